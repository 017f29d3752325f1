/**
 * A preprocessing step (preprocessing.py, the Fink AI convention) running in Python workers of
 * its own environment, built from its requirements.txt and nothing else. Alerts go to the
 * worker as JSON text written by python-json.ts, so 64-bit integers arrive exact, cut to the
 * fields the step reads (field-reads.ts); features come back as float64 columns named by
 * FEATURE_NAMES, with one error (or null) per alert.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { EnvironmentBuilder, PythonEnvironment } from '../environment-builder.js';
import { expandRequirements } from '../model-format/requirements-file.js';
import { toPythonJson } from '../python-json.js';
import { Sandbox } from '../sandbox/sandbox.js';
import { workerEnv } from '../worker/worker-env.js';
import { WorkerPool } from '../worker/worker-pool.js';
import { workerScriptPath } from '../worker/worker-script.js';
import { cutSource, FieldReads, isFieldSource, projectFields, READ_COLUMN, READ_PARAM, type FieldSource, type ReadMode, type ReadSpec } from './field-reads.js';
import { PREPROCESSING_REQUIREMENTS } from './preprocessing-source.js';

const run = promisify(execFile);
/** Alerts that read a field not sent, sent again whole to learn from before the others go again. */
const MISSED_SAMPLE = 8;

/** The columns of aviary_preprocessing.py's protocol. */
const ALERT_COLUMN = 'alert';
const ERROR_COLUMN = 'aviary.error';

/** What the worker answered for some alerts. */
interface Answer {
  readonly columns: Float64Array[];
  readonly errors: (AlertFailure | null)[];
  /** Per alert, what the step read (learning), or "missed" (alerts cut to the reads); empty otherwise. */
  readonly reads: readonly unknown[];
}

/** An alert: an object (64-bit integers as bigint, cutouts as Uint8Array), one that gives its fields one by one, or its JSON text, used as is. */
export type AlertInput = object | FieldSource | string;

export interface AlertFailure {
  readonly type: string;
  readonly message: string;
  readonly traceback?: string;
}

export interface AlertFeatures {
  readonly featureNames: readonly string[];
  /** One Float64Array per feature name, one value per alert (NaN where the alert failed). */
  readonly columns: readonly Float64Array[];
  /** Per alert: null, or what pre_processing raised on it. */
  readonly errors: readonly (AlertFailure | null)[];
}

export interface PreprocessingStepOptions {
  readonly name: string;
  /** The folder holding preprocessing.py and requirements.txt. */
  readonly dir: string;
  /** The Python to build for, e.g. the model's "3.11.7". */
  readonly python: string;
  readonly builder: EnvironmentBuilder;
  readonly workers?: number;
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  readonly memoryLimitMb?: number;
  readonly logger?: Logger;
  readonly progress?: (message: string) => void;
  /** How preprocessing.py is confined, in its workers and when it is first loaded (default: Sandbox.fromEnv()). */
  readonly sandbox?: Sandbox;
  /** Keep the host's network inside the sandbox. */
  readonly network?: boolean;
}

export class PreprocessingStep {
  static async start(options: PreprocessingStepOptions): Promise<PreprocessingStep> {
    const say = options.progress ?? (() => {});
    const file = join(options.dir, PREPROCESSING_REQUIREMENTS);
    const { requirements, constraints } = await expandRequirements((await readFile(file, 'utf8')).split(/\r?\n/), file, options.dir);
    say(`${options.name}: preprocessing environment, Python ${options.python}, ${requirements.length} requirements`);
    const environment = await options.builder.build(
      { python: options.python, requirements, ...(constraints.length > 0 ? { constraints } : {}) },
      (e) => say(`${options.name}: [${(e.elapsedMs / 1000).toFixed(1)}s] ${e.phase}: ${e.message}`),
    );
    const sandbox = options.sandbox ?? Sandbox.fromEnv();
    // FEATURE_NAMES are read while the workers start: neither waits for the other.
    const [featureNames, pool] = await Promise.allSettled([
      describe(environment, options.dir, sandbox, options),
      WorkerPool.start({
        sandbox,
        network: options.network,
        name: options.name,
        modelDir: options.dir,
        environment,
        workers: options.workers,
        batchSize: options.batchSize,
        timeoutMs: options.timeoutMs,
        memoryLimitMb: options.memoryLimitMb,
        logger: options.logger ?? silentLogger,
      }),
    ]);
    if (featureNames.status === 'rejected') {
      if (pool.status === 'fulfilled') await pool.value.close();
      throw featureNames.reason;
    }
    if (pool.status === 'rejected') throw pool.reason;
    return new PreprocessingStep(pool.value, environment, featureNames.value, new FieldReads(options.name, options.logger ?? silentLogger));
  }

  private constructor(
    private readonly pool: WorkerPool,
    readonly environment: PythonEnvironment,
    readonly featureNames: readonly string[],
    private readonly reads: FieldReads,
  ) {}

  /** Its workers restarted since it started. */
  workerRestarts(): number {
    return this.pool.workerRestarts();
  }

  async featurize(alerts: readonly AlertInput[]): Promise<AlertFeatures> {
    if (alerts.length === 0) return { featureNames: this.featureNames, columns: this.featureNames.map(() => new Float64Array(0)), errors: [] };
    // Alerts given as text are sent as they are: nothing to cut.
    if (alerts.some((alert) => typeof alert === 'string')) return { featureNames: this.featureNames, ...(await this.send(alerts, { kind: 'whole' })) };
    const columns = this.featureNames.map(() => new Float64Array(alerts.length));
    const errors: (AlertFailure | null)[] = [];
    for (let start = 0; start < alerts.length; ) {
      const mode = await this.reads.next();
      const end = mode.kind === 'learn' ? Math.min(alerts.length, start + this.reads.learnMore) : alerts.length;
      const part = mode.kind === 'learn' ? await this.learnFrom(alerts.slice(start, end)) : await this.sendCut(alerts.slice(start, end), mode);
      part.columns.forEach((column, c) => columns[c]!.set(column, start));
      errors.push(...part.errors);
      start = end;
    }
    return { featureNames: this.featureNames, columns, errors };
  }

  /** Whole alerts, the step's reads noted (this caller is the one learner: see FieldReads.next). */
  private async learnFrom(alerts: readonly AlertInput[]): Promise<Answer> {
    try {
      const answer = await this.send(alerts, { kind: 'learn' });
      this.reads.learn(answer.reads);
      return answer;
    } finally {
      this.reads.finishLearning();
    }
  }

  /** Alerts cut to the reads (or whole). Those on which the step read a field not sent: a few go
   * again whole, which widens the reads, then the others cut to the wider reads, until none misses. */
  private async sendCut(alerts: readonly AlertInput[], mode: ReadMode): Promise<Answer> {
    const answer = await this.send(alerts, mode);
    const patch = (indices: readonly number[], part: Answer) =>
      indices.forEach((i, r) => {
        answer.columns.forEach((column, c) => (column[i] = part.columns[c]![r]!));
        answer.errors[i] = part.errors[r]!;
      });
    let missed = answer.reads.flatMap((read, i) => (read === 'missed' ? [i] : []));
    while (missed.length > 0) {
      const sample = missed.slice(0, MISSED_SAMPLE);
      const learned = await this.send(
        sample.map((i) => alerts[i]!),
        { kind: 'learn' },
      );
      this.reads.learn(learned.reads);
      patch(sample, learned);
      const rest = missed.slice(MISSED_SAMPLE);
      if (rest.length === 0) break;
      const again = await this.send(
        rest.map((i) => alerts[i]!),
        this.reads.mode(),
      );
      patch(rest, again);
      missed = rest.filter((_, r) => again.reads[r] === 'missed');
    }
    return answer;
  }

  private async send(alerts: readonly AlertInput[], mode: ReadMode): Promise<Answer> {
    const texts = alerts.map((alert) => (typeof alert === 'string' ? alert : toPythonJson(mode.kind === 'fields' ? cut(alert, mode.spec) : whole(alert))));
    const params = mode.kind === 'learn' ? { [READ_PARAM]: 'learn' } : mode.kind === 'fields' ? { [READ_PARAM]: mode.spec } : undefined;
    const answer = await this.pool.predict({ columns: [ALERT_COLUMN], data: [texts], rows: alerts.length, ...(params ? { params } : {}) });
    const column = (name: string) => answer.data[answer.names.indexOf(name)];
    const columns = this.featureNames.map((name) => {
      const values = column(name);
      if (!(values instanceof Float64Array)) throw new Error(`the preprocessing step answered no numeric column "${name}"`);
      return values;
    });
    const errors = (column(ERROR_COLUMN) ?? []) as readonly unknown[];
    const reads = (column(READ_COLUMN) ?? []) as readonly unknown[];
    return { columns, errors: alerts.map((_, i) => failureOf(errors[i])), reads };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function cut(alert: object, spec: ReadSpec): unknown {
  return isFieldSource(alert) ? cutSource(alert, spec) : projectFields(alert, spec);
}

function whole(alert: object): unknown {
  return isFieldSource(alert) ? alert.whole() : alert;
}

/** FEATURE_NAMES, read by loading the module once in its environment, confined as its workers are. */
async function describe(environment: PythonEnvironment, dir: string, sandbox: Sandbox, limits: { memoryLimitMb?: number; network?: boolean }): Promise<string[]> {
  const script = join(dirname(workerScriptPath()), 'aviary_preprocessing.py');
  const command = sandbox.command({
    python: environment.python,
    args: [script, '--describe', resolve(dir)],
    env: workerEnv(environment),
    cwd: resolve(dir),
    readOnly: [resolve(dir), environment.dir, dirname(script)],
    memoryLimitMb: limits.memoryLimitMb,
    network: limits.network,
  });
  try {
    const { stdout } = await run(command.file, [...command.args], { cwd: dir, env: command.env, maxBuffer: 1 << 24 });
    return (JSON.parse(stdout) as { feature_names: string[] }).feature_names;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-15).join('\n');
    throw new Error(`the preprocessing step in ${dir} could not be loaded${stderr ? `:\n${stderr}` : `: ${(err as Error).message}`}`);
  }
}

/** The major.minor.micro of `python3` on PATH: the Python of a preprocessing step whose model names none. */
export async function hostPythonVersion(): Promise<string> {
  const { stdout } = await run('python3', ['-c', 'import platform; print(platform.python_version())']);
  return stdout.trim();
}

function failureOf(value: unknown): AlertFailure | null {
  if (value === null || value === undefined || typeof value !== 'object') return null;
  const { type, message, traceback } = value as Record<string, unknown>;
  return { type: String(type), message: String(message), ...(typeof traceback === 'string' ? { traceback } : {}) };
}
