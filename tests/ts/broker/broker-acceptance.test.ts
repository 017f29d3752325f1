/**
 * Acceptance (the alert broker): the 561 alerts of ztf/fink-topics-2023 through three science
 * modules in three runtimes — scikit-learn 1.5 with its run's Fink-template preprocessing step,
 * scikit-learn 1.7 fed alert fields and the first module's score, and ONNX in-process — all
 * trained and registered by the real mlflow client against an Aviary server, run from a real
 * broker.yaml onto a SQLite alert store, with three filters writing JSON lines and Avro. Then
 * the same model scores the 31 Fink-enriched alerts of 2026 from features read in their Fink
 * columns (mag_rate, lc_features_g).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { finkAlertDict } from '../../../src/broker/fink-alert-dict.js';
import type { BrokerSummary } from '../../../src/broker/pipeline/broker-run.js';
import { isDeadLetter, readAlerts } from '../../../src/broker/read-alerts.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import type { AlertStore, StoredAlert } from '../../../src/broker/store/alert-store.js';
import { defaultCacheRoot } from '../../../src/runtime/environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../../../src/runtime/environments/uv-environment-builder.js';
import { PreprocessedModel, type AlertScores } from '../../../src/runtime/preprocessing/preprocessed-model.js';
import { startServer, train, trainingPython, type TestServer, type Trained } from '../runtime/training.js';
import {
  FINK_FEATURES,
  idsInFolder,
  candidOfLine,
  idsOfAvro,
  jsonLines,
  keepingLogger,
  logisticProbability,
  outputsOfStored,
  runBrokerConfig,
  SLOW,
  storedAlerts,
  tempFolder,
  Timings,
  trainFinkModel,
  trainOnnx,
  type TrainedOnnx,
} from './broker-testing.js';
import { dataPath } from './shared-data.js';

const TOPICS = dataPath('ztf/fink-topics-2023');
const ENRICHED = dataPath('ztf/fink-enriched-2026/part-3-305711.avro');
const VARIABILITY_INPUTS = ['snia_score', 'sky', 'magdiff', 'sharpnr', 'ndethist'];
const RB_INPUTS = ['drb', 'rb', 'classtar', 'sgscore1'];

const CONFIG = `# Three science modules in three runtimes, three filters.
batch_size: 100
follow_registry: 0
modules:
  - name: snia                              # scikit-learn 1.5, its run's Fink preprocessing step
    model: models:/snia@champion
    outputs: [snia_other, snia_score]
  - name: variability                       # scikit-learn 1.7, alert fields and snia's score
    model: models:/variability@champion
    inputs: [${VARIABILITY_INPUTS.join(', ')}]
    reads: [snia]
    outputs: {variability_score: prediction_1}
  - name: realbogus                         # ONNX, in-process
    model: models:/realbogus@champion
    inputs: [${RB_INPUTS.join(', ')}]
    outputs: {rb_score: probabilities_1, rb_label: label}
filters:
  - name: likely_snia
    expression: snia_score > 0.5 and drb > 0.9 and ndethist <= 20
    output: out/likely_snia.jsonl
  - name: real_or_bright_g
    expression: rb_score >= 0.6 or (fid = 1 and magpsf < 18.5)
    output: out/real_or_bright_g.avro
  - name: variable_positive
    expression: variability_score > 0.5 and isdiffpos = 't'
    output: out/variable_positive.jsonl
`;

type Fields = Record<string, number | string>;
/** The filters' expressions, written again by hand over a stored row's candidate and outputs. */
const SELECTIONS: Record<string, (c: Fields, s: Record<string, unknown>) => boolean> = {
  likely_snia: (c, s) => (s.snia_score as number) > 0.5 && (c.drb as number) > 0.9 && (c.ndethist as number) <= 20,
  real_or_bright_g: (c, s) => (s.rb_score as number) >= 0.6 || (c.fid === 1 && (c.magpsf as number) < 18.5),
  variable_positive: (c, s) => (s.variability_score as number) > 0.5 && c.isdiffpos === 't',
};

const timings = new Timings();
const logger = keepingLogger();
const folders: string[] = [];
const stores: AlertStore[] = [];
let server: TestServer;
let trained: { snia: Trained; variability: Trained; realbogus: TrainedOnnx };
/** candid of every record of the files, as decoded by fastavro. */
let fileIds: string[];

const candidate = (a: StoredAlert) => a.payload.candidate as Fields;
const folder = async (label: string) => {
  const dir = await tempFolder(label);
  folders.push(dir);
  return dir;
};

beforeAll(async () => {
  fileIds = await idsInFolder(TOPICS);
  server = await startServer();
  const sklearn17 = await timed('training environments', () => trainingPython('sklearn-1.7.txt'));
  const [snia, variability, realbogus] = await timed('training and registering', () =>
    Promise.all([
      trainFinkModel(server, 'snia'),
      train(sklearn17, server, 'variability', 'forest', ['--features', VARIABILITY_INPUTS.join(',')]),
      trainOnnx(server, 'realbogus', RB_INPUTS),
    ]),
  );
  trained = { snia, variability, realbogus };
  }, SLOW);

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await server?.close();
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  console.error(`broker acceptance timings (ms): ${timings}`);
});

function timed<T>(label: string, body: () => Promise<T>): Promise<T> {
  return timings.time(label, body);
}

describe('561 ZTF alerts through three modules in three runtimes', () => {
  let dataDir: string;
  let runDir: string;
  let summary: BrokerSummary;
  let replay: BrokerSummary;
  let stored: StoredAlert[];
  let countAfterReplay: number;
  let storedAfterReplay: StoredAlert[];

  beforeAll(async () => {
    dataDir = await folder('data');
    runDir = await folder('run');
    const first = await timed('first run', () => runBrokerConfig({ server, config: CONFIG, dir: runDir, dataDir, alerts: TOPICS, logger }));
    summary = first.summary;
    stored = await storedAlerts(first.store);
    await first.store.close();
    // The same files again, into the same store (reopened), from a fresh folder.
    const second = await timed('replay', async () => runBrokerConfig({ server, config: CONFIG, dir: await folder('replay'), dataDir, alerts: TOPICS, logger }));
    stores.push(second.store);
    replay = second.summary;
    countAfterReplay = await second.store.countAlerts();
    storedAfterReplay = await storedAlerts(second.store);
  }, SLOW);

  it('reads every record and stores each alert once, under its exact candid', () => {
    const distinct = new Set(fileIds);
    expect(fileIds).toHaveLength(561);
    expect(summary.alertsRead).toBe(561);
    expect(summary.sourceDeadLetters).toBe(0);
    // A few alerts reached several Fink topics, so the files hold some candids twice: one row each.
    expect(summary.alertsInserted).toBe(distinct.size);
    expect(stored.map((a) => a.alertId.toString()).sort()).toEqual([...distinct].sort());
    expect(stored.every((a) => a.survey === 'ztf' && String((a.payload as { candid: unknown }).candid) === a.alertId.toString())).toBe(true);
  });

  it('stores every module\'s outputs with the registered name and version that produced them', () => {
    const versions = [trained.snia, trained.variability, trained.realbogus].map((t) => ({ model: t.name, version: t.version }));
    for (const alert of stored) {
      expect(alert.scores.map((s) => ({ model: s.model, version: s.version })), alert.alertId.toString()).toEqual(versions);
      expect(alert.scores.map((s) => s.module)).toEqual(['snia', 'variability', 'realbogus']);
      const out = outputsOfStored(alert);
      expect(Object.keys(out).sort()).toEqual(['rb_label', 'rb_score', 'snia_other', 'snia_score', 'variability_score']);
      expect(out.snia_score as number).toBeGreaterThanOrEqual(0);
      expect((out.snia_score as number) + (out.snia_other as number)).toBeCloseTo(1, 12);
      expect(out.variability_score as number).toBeGreaterThanOrEqual(0);
      expect(out.variability_score as number).toBeLessThanOrEqual(1);
    }
    expect(summary.modules.map((m) => [m.name, m.modelName, m.version, m.deadLettered])).toEqual(
      versions.map((v, i) => [['snia', 'variability', 'realbogus'][i], v.model, v.version, 0]),
    );
  });

  it('feeds the ONNX model the alert fields its inputs name, in order', () => {
    for (const alert of stored) {
      const c = candidate(alert);
      const out = outputsOfStored(alert);
      const expected = logisticProbability(trained.realbogus, RB_INPUTS.map((name) => c[name] as number));
      expect(out.rb_score as number, alert.alertId.toString()).toBeCloseTo(expected, 5);
      expect(out.rb_label).toBe((out.rb_score as number) > 0.5 ? 1 : 0);
    }
  });

  it('gives scores that vary from alert to alert in each module', () => {
    for (const name of ['snia_score', 'variability_score', 'rb_score']) {
      expect(new Set(stored.map((a) => outputsOfStored(a)[name])).size, name).toBeGreaterThan(10);
    }
  });

  it('adds nothing when the same files are read again', () => {
    expect(replay.alertsRead).toBe(561);
    expect(replay.alertsInserted).toBe(0);
    expect(countAfterReplay).toBe(stored.length);
    expect(storedAfterReplay.map((a) => a.alertId.toString())).toEqual(stored.map((a) => a.alertId.toString()));
    expect(storedAfterReplay.map((a) => outputsOfStored(a))).toEqual(stored.map((a) => outputsOfStored(a)));
  });

  it('writes to each filter\'s output exactly the alerts its expression selects', async () => {
    for (const filter of summary.filters) {
      const select = SELECTIONS[filter.name]!;
      const expected = new Set(stored.filter((a) => select(candidate(a), outputsOfStored(a))).map((a) => a.alertId.toString()));
      const written = filter.output.endsWith('.avro') ? await idsOfAvro(filter.output) : (await jsonLines(filter.output)).map(candidOfLine);
      expect(filter.output.startsWith(join(runDir, 'out'))).toBe(true);
      expect(new Set(written), filter.name).toEqual(expected);
      expect(written.length).toBe(filter.matched);
      // A selection of some alerts, not none or all: the comparison can tell filters apart.
      expect(expected.size, filter.name).toBeGreaterThan(0);
      expect(expected.size, filter.name).toBeLessThan(stored.length);
    }
    expect(summary.filters.map((f) => f.name)).toEqual(Object.keys(SELECTIONS));
  });

  it('writes each JSON line with the stored outputs and the models that produced them', async () => {
    const byId = new Map(stored.map((a) => [a.alertId.toString(), a]));
    const lines = await jsonLines(summary.filters.find((f) => f.name === 'likely_snia')!.output);
    for (const line of lines) {
      const alert = byId.get(candidOfLine(line))!;
      const outputs = outputsOfStored(alert);
      for (const [name, value] of Object.entries(outputs)) expect(line[name], name).toBe(value);
      expect((line.aviary as { modules: unknown }).modules).toEqual(alert.scores.map(({ module, model, version }) => ({ module, model, version })));
    }
  });
});

describe('a Fink-template preprocessing on the Fink columns of the 31 alerts of 2026', () => {
  let alerts: Alert[];
  let stored: StoredAlert[];
  let direct: AlertScores;

  beforeAll(async () => {
    const config = 'follow_registry: 0\nmodules:\n  - name: snia\n    model: models:/snia@champion\n    outputs: [snia_other, snia_score]\n';
    const { store } = await timed('fink-enriched run', async () => runBrokerConfig({ server, config, dir: await folder('enriched'), dataDir: await folder('enriched-data'), alerts: ENRICHED, logger }));
    stores.push(store);
    stored = await storedAlerts(store);
    alerts = [];
    for await (const item of readAlerts(openAlertSource(ENRICHED))) if (!isDeadLetter(item)) alerts.push(item);
    const model = await PreprocessedModel.load('models:/snia@champion', { aviary: server.aviary, builder: new UvEnvironmentBuilder({ cacheRoot: defaultCacheRoot() }), logger });
    try {
      direct = await model.scoreAlerts(alerts.map((a) => finkAlertDict(a)));
    } finally {
      await model.close();
    }
  }, SLOW);

  it('reads every feature, finite and varying across the alerts', () => {
    expect(alerts).toHaveLength(31);
    expect([...direct.featureNames].sort()).toEqual([...FINK_FEATURES].sort());
    expect(direct.alerts.every((a) => a.error === undefined)).toBe(true);
    direct.featureNames.forEach((name, f) => {
      const column = direct.alerts.map((a) => a.features![f]!);
      expect(column.every(Number.isFinite), name).toBe(true);
      expect(new Set(column).size, name).toBeGreaterThan(1);
    });
  });

  it('takes mag_rate and the g-band light-curve features from the alert\'s Fink columns', () => {
    const feature = (i: number, name: string) => direct.alerts[i]!.features![direct.featureNames.indexOf(name)]!;
    let fromColumns = 0;
    alerts.forEach((alert, i) => {
      const payload = alert.payload as { mag_rate: number | null; lc_features_g: { amplitude: number | null; mean: number | null } | null; candidate: Fields };
      expect(feature(i, 'mag_offset')).toBeCloseTo((payload.candidate.magpsf as number) - 18.5, 12);
      const amplitude = payload.lc_features_g?.amplitude;
      if (payload.mag_rate !== null && Number.isFinite(payload.mag_rate) && amplitude != null && Number.isFinite(amplitude)) {
        expect(feature(i, 'mag_rate')).toBe(payload.mag_rate);
        expect(feature(i, 'amplitude_g')).toBe(amplitude);
        fromColumns++;
      }
    });
    expect(fromColumns).toBeGreaterThan(10);
  });

  it('scores each alert through the broker as the model scores it directly, with scores that differ', () => {
    expect(stored).toHaveLength(31);
    const byId = new Map(stored.map((a) => [a.alertId.toString(), outputsOfStored(a).snia_score as number]));
    alerts.forEach((alert, i) => {
      expect(byId.get(alert.alertId.toString())).toBeCloseTo(direct.alerts[i]!.predictions!.prediction_1 as number, 12);
    });
    expect(new Set(byId.values()).size).toBeGreaterThan(1);
  });
});
