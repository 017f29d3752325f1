/**
 * The broker end to end: `runBroker` over a folder of alerts with the SQLite alert store and
 * three science modules, models trained on real ZTF alerts and registered in an Aviary started
 * in this process (train_models.py: a random forest behind a Fink-style preprocessing step, a
 * logistic regression fed alert fields through `inputs`, and gradient-boosted trees converted
 * to ONNX and scored in-process); then the same alerts with no module (store and filters only),
 * the pipeline's own ceiling. Each run gets a fresh store, deleted after it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toAlert } from '../../src/broker/alert.js';
import { parseBrokerConfig } from '../../src/broker/config/load-broker-config.js';
import { finkAlertDict } from '../../src/broker/fink-alert-dict.js';
import type { BrokerSummary } from '../../src/broker/pipeline/broker-run.js';
import { runBroker } from '../../src/broker/pipeline/run-broker.js';
import type { AlertSource } from '../../src/broker/sources/alert-source.js';
import { openAlertStore } from '../../src/broker/store/open-alert-store.js';
import { openAlertSource } from '../../src/broker/sources/open-alert-source.js';
import { toExactJson } from '../../src/common/exact-json.js';
import { UvEnvironmentBuilder } from '../../src/runtime/environments/uv-environment-builder.js';
import { mlflowClientEnv, startServer, type TestServer } from '../../tests/ts/runtime/training.js';

const run = promisify(execFile);
const here = import.meta.dirname;
const repo = join(here, '../..');

export interface TrainedModules {
  readonly alerts: number;
  readonly positives: number;
  readonly models: Record<'pre' | 'inputs' | 'onnx', { name: string; version: string; features: string[] }>;
}

export interface EndToEndRun {
  readonly label: string;
  readonly alerts: number;
  readonly summary: BrokerSummary;
  /** runBroker's call, from the bench's clock: model loading included. */
  readonly wallSeconds: number;
  /** From the call to the first alert taken from the source: modules loaded, sinks opened. */
  readonly setupSeconds: number;
  /** Alerts stored over the time from the first alert taken to the call's end. */
  readonly flowingAlertsPerSecond: number;
  /** Per module that dead-lettered alerts: how many, and the first reason. */
  readonly deadLetters: readonly string[];
  /** The SQLite file's size at the end (WAL included), bytes. */
  readonly storeBytes: number;
}

export interface ModuleSetup {
  readonly server: TestServer;
  readonly trained: TrainedModules;
  readonly builder: UvEnvironmentBuilder;
  /** Seconds: environments built or found, models trained and registered. */
  readonly seconds: number;
}

/** The training environment: the one the runtime's tests build ONNX models in (skl2onnx, onnx). */
function trainingPython(): string {
  const dir = execFileSync('bash', [join(repo, 'scripts/python-env.sh'), join(repo, 'src/runtime/testing/requirements.txt')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return join(dir, 'bin/python');
}

/** The distinct input alerts as Fink flat dicts (exact integers), for training. */
async function writeTrainingAlerts(inputs: readonly string[], file: string): Promise<number> {
  const lines: string[] = [];
  const seen = new Set<bigint>();
  for await (const item of openAlertSource(inputs)) {
    if (item.kind !== 'alert') continue;
    const alert = toAlert(item);
    if (seen.has(alert.alertId)) continue;
    seen.add(alert.alertId);
    lines.push(toExactJson(finkAlertDict(alert), { nonFinite: 'python' }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return lines.length;
}

export async function setUpModules(inputs: readonly string[], say: (line: string) => void): Promise<ModuleSetup> {
  const began = performance.now();
  say('end to end: starting an Aviary in this process, training and registering three models...');
  const server = await startServer();
  try {
    const python = trainingPython();
    const alertsFile = join(server.dataDir, 'training-alerts.jsonl');
    mkdirSync(server.dataDir, { recursive: true });
    await writeTrainingAlerts(inputs, alertsFile);
    const out = join(server.dataDir, 'trained.json');
    await run(python, [join(here, 'train_models.py'), alertsFile, out], {
      env: { ...process.env, ...mlflowClientEnv(server.url), OMP_NUM_THREADS: '1' },
      maxBuffer: 1 << 26,
    }).catch((err: Error & { stderr?: string }) => {
      throw new Error(`train_models.py failed: ${err.message}\n${err.stderr ?? ''}`);
    });
    const trained = JSON.parse(readFileSync(out, 'utf8')) as TrainedModules;
    say(`  trained on ${trained.alerts} real alerts (${trained.positives} labelled positive): ${Object.values(trained.models).map((m) => `${m.name} v${m.version}`).join(', ')}`);
    return { server, trained, builder: new UvEnvironmentBuilder(), seconds: (performance.now() - began) / 1000 };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** The broker config (YAML, read by the project's own loader): three modules and two filters, or filters alone. */
export function configText(trained: TrainedModules | undefined, outDir: string, batchSize: number): string {
  const lines: string[] = [];
  if (trained) {
    const { pre, inputs, onnx } = trained.models;
    lines.push(
      'modules:',
      `  - name: pre`,
      `    model: models:/${pre.name}@champion`,
      `    outputs: {pre_score: prediction_1}`,
      `  - name: fields`,
      `    model: models:/${inputs.name}@champion`,
      `    inputs: [${inputs.features.join(', ')}]`,
      `    outputs: {fields_score: prediction_1}`,
      `  - name: boosted`,
      `    model: models:/${onnx.name}@champion`,
      `    inputs: [${onnx.features.join(', ')}]`,
      `    outputs: {boosted_score: probabilities_1}`,
      'filters:',
      '  - name: bright_real',
      '    expression: pre_score > 0.5 and drb > 0.5 and ndethist <= 20',
      `    output: ${join(outDir, 'bright_real.jsonl')}`,
      '  - name: any_high',
      '    expression: fields_score > 0.9 or boosted_score > 0.9',
      `    output: ${join(outDir, 'any_high.jsonl')}`,
    );
  } else {
    lines.push(
      'modules: []',
      'filters:',
      '  - name: bright_real',
      '    expression: magpsf < 18.5 and drb > 0.5 and ndethist <= 20',
      `    output: ${join(outDir, 'bright_real.jsonl')}`,
      '  - name: faint',
      '    expression: magpsf > 20 or sigmapsf > 0.2',
      `    output: ${join(outDir, 'faint.jsonl')}`,
    );
  }
  lines.push(`batch_size: ${batchSize}`, 'follow_registry: 0');
  return `${lines.join('\n')}\n`;
}

export async function endToEndRun(
  label: string,
  alertsDir: string,
  /** The alerts the folder holds, when known: a run that stores fewer says so. */
  expected: number | undefined,
  setup: ModuleSetup | undefined,
  scratch: string,
  batchSize: number,
  say: (line: string) => void,
  /** Print the setup steps (fetching models, environments). */
  verbose = false,
  /** Called with the SQLite file once the store is closed, before it is deleted. */
  inspectStore?: (dbFile: string) => void,
): Promise<EndToEndRun> {
  const work = join(scratch, `run-${label.replace(/\W+/g, '-')}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'out'), { recursive: true });
  const configFile = join(work, 'broker.yaml');
  const text = configText(setup?.trained, join(work, 'out'), batchSize);
  writeFileSync(configFile, text);
  const config = parseBrokerConfig(text, configFile);
  const dbFile = join(work, 'alerts.db');
  const store = await openAlertStore(`sqlite:///${dbFile}`);
  const builder = setup?.builder ?? new UvEnvironmentBuilder();
  let summary: BrokerSummary;
  let firstAt: number | undefined;
  const deadLetters: string[] = [];
  const inner = openAlertSource(alertsDir);
  const timed: AlertSource = {
    description: inner.description,
    async *[Symbol.asyncIterator]() {
      for await (const item of inner) {
        firstAt ??= performance.now();
        yield item;
      }
    },
  };
  const t0 = performance.now();
  let last = 0;
  try {
    summary = await runBroker({
      config,
      source: timed,
      store,
      builder,
      ...(setup ? { aviary: setup.server.aviary } : {}),
      progress: (message) => {
        if (verbose) say(`    ${message}`);
      },
      // What the modules' workers say (e.g. which fields a preprocessing step reads) on the first run; warnings always.
      logger: { info: (message) => verbose && say(`    ${message}`), warn: (message) => say(`    warning: ${message}`), error: (message) => say(`    error: ${message}`) },
      onProgress: (p) => {
        if (p.alertsStored === 0 || p.elapsedMs - last < 10_000) return;
        last = p.elapsedMs;
        say(`    ${p.alertsStored.toLocaleString('en')} stored, ${Math.round(p.alertsPerSecond).toLocaleString('en')} alerts/s`);
      },
    });
    for (const m of summary.modules.filter((m) => m.deadLettered > 0)) {
      const letters = await store.deadLetters({ module: m.name, limit: 1 });
      deadLetters.push(`${m.name}: ${m.deadLettered} dead letters, e.g. ${letters[0]?.stage ?? ''} ${letters[0]?.reason ?? m.reason ?? ''}`.slice(0, 600));
    }
  } finally {
    await store.close();
  }
  const end = performance.now();
  const wallSeconds = (end - t0) / 1000;
  const setupSeconds = ((firstAt ?? end) - t0) / 1000;
  const flowingAlertsPerSecond = summary.alertsStored / ((end - (firstAt ?? t0)) / 1000);
  const storeBytes = ['', '-wal', '-shm'].reduce((n, s) => n + (existsSync(dbFile + s) ? statSync(dbFile + s).size : 0), 0);
  inspectStore?.(dbFile);
  rmSync(work, { recursive: true, force: true });
  if (expected !== undefined && summary.alertsStored !== expected) say(`  note: ${summary.alertsStored} alerts stored of ${expected}`);
  for (const line of deadLetters) say(`  ${line}`);
  return { label, alerts: summary.alertsRead, summary, wallSeconds, setupSeconds, flowingAlertsPerSecond, storeBytes, deadLetters };
}
