/**
 * Test support for the runtime's acceptance tests: an Aviary tracking server started in the
 * test process, training environments built by scripts/python-env.sh (cached by content), and
 * models trained and registered in them by fixtures/train_model.py with the real mlflow client.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { configForDataDir, openAviary, type Aviary } from '../../../src/app/open-aviary.js';
import { silentLogger } from '../../../src/common/logger.js';
import { createApp } from '../../../src/server/create-app.js';

const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname, '../../..');
export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** Where training scripts send models (any server, in this process or not) and leave their summaries. */
export type TrainingTarget = Pick<TestServer, 'url' | 'dataDir'>;

export interface TestServer {
  readonly dataDir: string;
  readonly url: string;
  readonly aviary: Aviary;
  close(): Promise<void>;
}

/** A fresh data directory served on a free port, in this process. */
export async function startServer(): Promise<TestServer> {
  const work = await mkdtemp(join(tmpdir(), 'aviary-runtime-'));
  const dataDir = join(work, 'data');
  const aviary = await openAviary(configForDataDir(dataDir), silentLogger);
  const server = createApp(aviary, { version: 'test' }, silentLogger);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    dataDir,
    url: `http://127.0.0.1:${port}`,
    aviary,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await aviary.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** The python of the environment of a requirements file under fixtures/ (built once, then cached). */
export async function trainingPython(requirements: string): Promise<string> {
  const { stdout } = await run('bash', [join(REPO, 'scripts/python-env.sh'), join(FIXTURES, requirements)], { maxBuffer: 1 << 24 });
  return join(stdout.trim(), 'bin/python');
}

export interface Trained {
  readonly name: string;
  readonly version: string;
  readonly run_id: string;
  readonly sklearn: string;
  readonly features: string[];
  readonly rows: Record<string, number>[];
  readonly proba: [number, number][];
}

/** Trains and registers NAME (@champion) with train_model.py in `python`'s environment. */
export async function train(python: string, server: TrainingTarget, name: string, kind: 'logistic' | 'forest', extra: string[] = []): Promise<Trained> {
  const out = join(server.dataDir, `${name}-trained.json`);
  await runScript(python, server, 'train_model.py', [name, kind, out, ...extra]);
  return JSON.parse(await readFile(out, 'utf8')) as Trained;
}

/** Runs a script of fixtures/ with the mlflow client pointed at `server`. */
export async function runScript(python: string, server: TrainingTarget, script: string, args: string[]): Promise<string> {
  const { stdout } = await run(python, [join(FIXTURES, script), ...args], {
    env: { ...process.env, ...mlflowClientEnv(server.url), OMP_NUM_THREADS: '1' },
    maxBuffer: 1 << 26,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`${script} ${args.join(' ')} failed: ${err.message}\n${err.stderr ?? ''}`);
  });
  return stdout;
}

/** The mlflow client's settings: this server, no retries with backoff, no telemetry. */
export function mlflowClientEnv(url: string): NodeJS.ProcessEnv {
  return { MLFLOW_TRACKING_URI: url, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' };
}

/** Runs a Python snippet with `python`, returning its stdout. */
export async function python(executable: string, code: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run(executable, ['-c', code], { env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  return stdout;
}
