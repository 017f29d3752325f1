/**
 * Runs one of the demo's training scripts in its environment with the real mlflow client
 * pointed at the demo's server. The script's own progress lines (prefixed by the module's name)
 * are shown; everything it prints goes to a log file, whose end an error quotes.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { PythonEnvironment } from '../runtime/environment-builder.js';
import { workerEnv } from '../runtime/worker/worker-env.js';

export interface TrainingScriptRun {
  readonly environment: PythonEnvironment;
  readonly script: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly trackingUri: string;
  readonly logFile: string;
  /** Lines of the script worth showing as they come. */
  readonly onLine: (line: string) => void;
  readonly showLine: (line: string) => boolean;
}

/** The mlflow client's settings: this server, no retries with backoff, no telemetry. */
export function mlflowClientEnv(trackingUri: string): NodeJS.ProcessEnv {
  return { MLFLOW_TRACKING_URI: trackingUri, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' };
}

export async function runTrainingScript(run: TrainingScriptRun): Promise<void> {
  const log = createWriteStream(run.logFile);
  const child = spawn(run.environment.python, [run.script, ...run.args], {
    cwd: run.cwd,
    env: { ...workerEnv(run.environment), ...mlflowClientEnv(run.trackingUri) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      if (run.showLine(line)) run.onLine(line);
    });
  }
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  await new Promise((done) => log.end(done));
  if (code === 0) return;
  const tail = (await readFile(run.logFile, 'utf8')).trimEnd().split('\n').slice(-20).join('\n');
  throw new Error(`${run.script} failed (exit status ${code}); the last lines of ${run.logFile}:\n${tail}`);
}
