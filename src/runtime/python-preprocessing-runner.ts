/**
 * A Fink AI preprocessing running in a Python process (python/preprocessing_check_runner.py,
 * standard library only) inside the preprocessing's environment. Alerts go in as JSON lines
 * written by toExactJson (64-bit ids exact, NaN as Python's NaN), one answer line comes back
 * per alert, in order. One process serves every chunk; `close()` ends it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseExactJson } from '../common/exact-json-parse.js';
import { toExactJson } from '../common/exact-json.js';
import type { AlertDict, PreprocessingOutcome } from './preprocessing-check.js';
import { Sandbox } from './sandbox/sandbox.js';

const STDERR_TAIL = 4000;

export interface PythonPreprocessingRunnerOptions {
  /** The interpreter of the preprocessing's environment. */
  readonly python: string;
  /** The folder holding preprocessing.py. */
  readonly dir: string;
  /** Per chunk of alerts; the process is killed when it runs out (default 120 s). */
  readonly timeoutMs?: number;
  /** How preprocessing.py is confined (default: Sandbox.fromEnv()). */
  readonly sandbox?: Sandbox;
}

export class PythonPreprocessingRunner {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly featureNames: readonly string[],
    private readonly lines: AsyncIterator<string>,
    private readonly exited: Promise<number | null>,
    private readonly log: { text: string },
    private readonly timeoutMs: number,
  ) {}

  static async start(options: PythonPreprocessingRunnerOptions): Promise<PythonPreprocessingRunner> {
    const script = runnerScriptPath();
    const dir = resolve(options.dir);
    const command = (options.sandbox ?? Sandbox.fromEnv()).command({
      python: options.python,
      args: ['-u', script, dir],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      cwd: dir,
      readOnly: [dir, dirname(dirname(options.python)), dirname(script)],
    });
    const child = spawn(command.file, [...command.args], { stdio: ['pipe', 'pipe', 'pipe'], env: command.env });
    const log = { text: '' };
    child.stderr.setEncoding('utf8').on('data', (text: string) => (log.text = (log.text + text).slice(-STDERR_TAIL)));
    const exited = new Promise<number | null>((resolve) => {
      child.on('error', (err) => {
        log.text += `\n${err.message}`;
        resolve(null);
      });
      child.on('exit', (code) => resolve(code));
    });
    child.stdin.on('error', () => {}); // a dead process: reported through `exited`
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([lines.next(), exited.then(() => undefined)]);
    const hello = first && !first.done ? (parseExactJson(first.value) as { feature_names?: string[]; fatal?: string }) : undefined;
    if (!hello?.feature_names) {
      child.kill('SIGKILL');
      const why = hello?.fatal ?? `the runner stopped before answering${log.text ? `: ${log.text.trim()}` : ''}`;
      throw new Error(`the preprocessing in ${options.dir} cannot run: ${why}`);
    }
    return new PythonPreprocessingRunner(child, hello.feature_names, lines, exited, log, options.timeoutMs ?? 120_000);
  }

  /** What the preprocessing printed (its last few KB). */
  get output(): string {
    return this.log.text;
  }

  async preprocess(alerts: readonly AlertDict[]): Promise<PreprocessingOutcome[]> {
    const body = alerts.map((alert) => `${toExactJson(alert, { nonFinite: 'python' })}\n`).join('');
    this.child.stdin.write(body);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`the preprocessing did not answer within ${this.timeoutMs / 1000} s for ${alerts.length} alerts`));
      }, this.timeoutMs);
    });
    const died = this.exited.then((code) => {
      throw new Error(`the preprocessing process ended (exit ${code}) before answering every alert${this.log.text ? `: ${this.log.text.trim().slice(-1000)}` : ''}`);
    });
    try {
      const outcomes: PreprocessingOutcome[] = [];
      while (outcomes.length < alerts.length) {
        const next = await Promise.race([this.lines.next(), timeout, died]);
        if (next.done) throw new Error('the preprocessing process closed its output');
        outcomes.push(outcomeOf(parseExactJson(next.value) as RunnerAnswer));
      }
      return outcomes;
    } finally {
      clearTimeout(timer);
      died.catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

interface RunnerAnswer {
  features?: (number | { not_a_number: string })[];
  error?: string;
  where?: string;
  returned?: string;
  ms: number;
}

function outcomeOf(answer: RunnerAnswer): PreprocessingOutcome {
  if (answer.error !== undefined) return { error: `raises ${answer.error}${answer.where ? ` (at ${answer.where})` : ''}`, ms: answer.ms };
  if (answer.returned !== undefined) return { error: `returned ${answer.returned}, not a list of floats`, ms: answer.ms };
  return { features: (answer.features ?? []).map((v) => (typeof v === 'number' ? v : v.not_a_number)), ms: answer.ms };
}

/** Beside this module in the sources (src/runtime/python/), in dist/python/ in the bundle (scripts/build.mjs copies it). */
export function runnerScriptPath(): string {
  const candidates = ['./python/preprocessing_check_runner.py', '../python/preprocessing_check_runner.py'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`preprocessing_check_runner.py not found; looked in ${candidates.join(', ')}`);
  return found;
}
