/**
 * Test support for the broker's acceptance tests: an ONNX model trained and registered with the
 * real mlflow client, a broker run from a broker.yaml written in a temporary folder onto a SQLite
 * alert store, and independent reads of what the run left (stored rows, filter outputs, worker
 * processes).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import type { Logger } from '../../../src/common/logger.js';
import { loadBrokerConfig } from '../../../src/broker/config/load-broker-config.js';
import type { BrokerProgress, BrokerSummary } from '../../../src/broker/pipeline/broker-run.js';
import { runBroker } from '../../../src/broker/pipeline/run-broker.js';
import type { AlertSource } from '../../../src/broker/sources/alert-source.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import type { AlertStore, StoredAlert } from '../../../src/broker/store/alert-store.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { defaultCacheRoot } from '../../../src/runtime/environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../../../src/runtime/environments/uv-environment-builder.js';
import { mlflowClientEnv, REPO, train, trainingPython, type TestServer, type Trained, type TrainingTarget } from '../runtime/training.js';
import { decodeIndependently } from './shared-data.js';

const run = promisify(execFile);
export const BROKER_FIXTURES = join(import.meta.dirname, 'fixtures');
/** A cold machine installs uv, downloads the wheels of several environments and compiles MLflow's imports. */
export const SLOW = 600_000;

/** The features fixtures/fink-features/preprocessing.py computes, in the order the model is trained on (fid last: a long column). */
export const FINK_FEATURES = ['mag_offset', 'mag_error', 'log_days', 'mag_rate', 'amplitude_g', 'mean_g_offset', 'drb', 'log_ndethist', 'fid'];

/**
 * Trains NAME (@champion) with scikit-learn 1.5 (logistic regression) and logs the Fink-template
 * preprocessing step fixtures/fink-features with its run.
 */
export async function trainFinkModel(server: TrainingTarget, name: string): Promise<Trained> {
  const python = await trainingPython('sklearn-1.5.txt');
  return train(python, server, name, 'logistic', ['--features', FINK_FEATURES.join(','), '--preprocessing', join(BROKER_FIXTURES, 'fink-features')]);
}

export interface TrainedOnnx {
  readonly name: string;
  readonly version: string;
  readonly run_id: string;
  readonly features: string[];
  readonly coefficients: number[];
  readonly intercept: number;
}

/** Trains NAME (@champion) with fixtures/train_onnx_model.py in the runtime tests' environment (skl2onnx, onnx). */
export async function trainOnnx(server: TestServer, name: string, features: readonly string[]): Promise<TrainedOnnx> {
  const { stdout } = await run('bash', [join(REPO, 'scripts/python-env.sh'), join(REPO, 'src/runtime/testing/requirements.txt')], { maxBuffer: 1 << 24 });
  const out = join(server.dataDir, `${name}-trained.json`);
  await run(join(stdout.trim(), 'bin/python'), [join(BROKER_FIXTURES, 'train_onnx_model.py'), name, out, '--features', features.join(',')], {
    env: { ...process.env, ...mlflowClientEnv(server.url), OMP_NUM_THREADS: '1' },
    maxBuffer: 1 << 26,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`train_onnx_model.py ${name} failed: ${err.message}\n${err.stderr ?? ''}`);
  });
  return JSON.parse(await readFile(out, 'utf8')) as TrainedOnnx;
}

/** The probability of class 1 the logistic regression gives `values` (in the order of `trained.features`). */
export function logisticProbability(trained: TrainedOnnx, values: readonly number[]): number {
  const z = values.reduce((sum, x, i) => sum + x * trained.coefficients[i]!, trained.intercept);
  return 1 / (1 + Math.exp(-z));
}

export interface BrokerRunRequest {
  readonly server: TestServer;
  /** broker.yaml's text; relative paths in it are read from `dir`. */
  readonly config: string;
  /** The run's folder: broker.yaml and the filters' outputs. */
  readonly dir: string;
  /** The alert store's folder (a data dir), shared by runs that replay into one store. */
  readonly dataDir: string;
  readonly alerts: string | AlertSource;
  readonly logger: Logger;
  readonly onProgress?: (progress: BrokerProgress) => void;
}

export interface BrokerRunResult {
  readonly summary: BrokerSummary;
  readonly store: AlertStore;
}

/** Writes broker.yaml, loads it as the CLI does and runs it onto `<dataDir>/alerts.db`; the store is left open. */
export async function runBrokerConfig(request: BrokerRunRequest): Promise<BrokerRunResult> {
  const file = join(request.dir, 'broker.yaml');
  await writeFile(file, request.config);
  const config = await loadBrokerConfig(file);
  const store = await openAlertStore(`sqlite:///${join(request.dataDir, 'alerts.db')}`);
  try {
    const summary = await runBroker({
      config,
      source: typeof request.alerts === 'string' ? openAlertSource(request.alerts) : request.alerts,
      store,
      aviary: request.server.aviary,
      builder: new UvEnvironmentBuilder({ cacheRoot: defaultCacheRoot() }),
      logger: request.logger,
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    return { summary, store };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export const tempFolder = (label: string) => mkdtemp(join(tmpdir(), `aviary-broker-${label}-`));

/** Every stored alert, page after page. */
export async function storedAlerts(store: AlertStore): Promise<StoredAlert[]> {
  const all: StoredAlert[] = [];
  let after: string | undefined;
  do {
    const page = await store.searchAlerts({ limit: 500, ...(after ? { after } : {}) });
    all.push(...page.alerts);
    after = page.next;
  } while (after);
  return all;
}

/** The outputs of every module that scored the alert, merged (what a filter reads besides the alert). */
export function outputsOfStored(alert: StoredAlert): Record<string, unknown> {
  return Object.assign({}, ...alert.scores.map((s) => s.outputs)) as Record<string, unknown>;
}

/** The lines of a JSON-lines output, read with the project's exact JSON parser (64-bit ids as BigInt). */
export async function jsonLines(file: string): Promise<Record<string, unknown>[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim());
  return lines.map((line) => parseExactJson(line) as Record<string, unknown>);
}

/** The candid of a JSON-lines output's line: the payload's, which must be the one its `aviary` object names. */
export function candidOfLine(line: Record<string, unknown>): string {
  const { candid, aviary } = line as { candid?: unknown; aviary?: { alertId?: unknown } };
  if (typeof candid !== 'bigint' || candid !== aviary?.alertId) throw new Error(`line without an exact candid matching aviary.alertId: ${String(candid)}`);
  return candid.toString();
}

/** The candid of every record of the alert files of `folder`, decoded independently (fastavro). */
export async function idsInFolder(folder: string): Promise<string[]> {
  const files = readdirSync(folder).filter((name) => name.endsWith('.avro')).sort();
  return (await decodeIndependently(files.map((name) => join(folder, name)))).map((alert) => alert.id);
}

/** The candid of every alert of an Avro output, decoded independently (fastavro). */
export async function idsOfAvro(file: string): Promise<string[]> {
  return (await decodeIndependently([file])).map((alert) => alert.id);
}

/**
 * This process's Python model workers (aviary_worker.py) running in an environment whose spec
 * holds `requirement` (read from the environment's aviary-env.json), e.g. "scikit-learn==1.5.2".
 */
export function modelWorkerPids(requirement: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // `<python> -u aviary_worker.py`, alone or at the end of the sandbox's command (prlimit, bwrap, setpriv).
      const script = argv.findIndex((arg) => arg.endsWith('aviary_worker.py'));
      if (script < 2 || argv[script - 1] !== '-u') continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      const marker = JSON.parse(readFileSync(join(dirname(dirname(argv[script - 2]!)), 'aviary-env.json'), 'utf8')) as { spec: { requirements: string[] } };
      if (marker.spec.requirements.includes(requirement)) pids.push(Number(entry));
    } catch {
      // The process ended while being read, or is not one of ours.
    }
  }
  return pids;
}

/** `source` that stops after its first `count` items until `gate` opens: what follows is read after an event of the test's. */
export function gatedSource(source: AlertSource, count: number, gate: Promise<void>): AlertSource {
  return {
    description: source.description,
    async *[Symbol.asyncIterator]() {
      let read = 0;
      for await (const item of source) {
        if (read++ === count) await gate;
        yield item;
      }
    },
  };
}

/** Wall times of a file's setup steps and runs, printed in one line when the file ends. */
export class Timings {
  private readonly times: Record<string, number> = {};

  async time<T>(label: string, body: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await body();
    } finally {
      this.times[label] = Math.round(performance.now() - t0);
    }
  }

  toString(): string {
    return JSON.stringify(this.times);
  }
}

/** A logger that keeps every line, to print when a test fails. */
export function keepingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

/** The model's own preprocessing, made to raise on every alert whose candid is divisible by 7. */
export async function writeRaisingPreprocessing(dir: string): Promise<void> {
  await mkdir(dir);
  const source = join(BROKER_FIXTURES, 'fink-features');
  await copyFile(join(source, 'requirements.txt'), join(dir, 'requirements.txt'));
  const features = await readFile(join(source, 'preprocessing.py'), 'utf8');
  await writeFile(
    join(dir, 'preprocessing.py'),
    `${features}\n\n_features = pre_processing\n\n\ndef pre_processing(alert):\n` +
      `    if alert["candid"] % 7 == 0:\n        raise ValueError(f"candid {alert['candid']} is divisible by 7")\n` +
      `    return _features(alert)\n`,
  );
}
