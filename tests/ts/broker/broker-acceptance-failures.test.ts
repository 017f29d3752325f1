/**
 * Acceptance (the alert broker, when parts fail): a module whose preprocessing raises on some
 * alerts dead-letters exactly those, for itself only; a module whose Python worker is killed
 * mid-run loses no alert. The 561 alerts of ztf/fink-topics-2023, a model trained and
 * registered by the real mlflow client (scikit-learn 1.5, Fink-template preprocessing step),
 * broker.yaml files in temporary folders, a SQLite alert store per run.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerProgress, BrokerSummary } from '../../../src/broker/pipeline/broker-run.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import type { AlertStore, StoredAlert, StoredDeadLetter } from '../../../src/broker/store/alert-store.js';
import { isRunning } from '../../../src/runtime/testing/processes.js';
import { startServer, type TestServer, type Trained } from '../runtime/training.js';
import {
  gatedSource,
  idsInFolder,
  keepingLogger,
  modelWorkerPids,
  outputsOfStored,
  runBrokerConfig,
  SLOW,
  storedAlerts,
  tempFolder,
  Timings,
  trainFinkModel,
  writeRaisingPreprocessing,
} from './broker-testing.js';
import { dataPath } from './shared-data.js';

const TOPICS = dataPath('ztf/fink-topics-2023');
const SNIA = `  - name: snia
    model: models:/snia@champion
    outputs: [snia_other, snia_score]
    workers: 1
`;

const timings = new Timings();
const logger = keepingLogger();
const folders: string[] = [];
const stores: AlertStore[] = [];
let server: TestServer;
let snia: Trained;
let fileIds: string[];
/** snia_score by candid, from the first run that stores them. */
const referenceScores = new Map<string, number>();

const folder = async (label: string) => {
  const dir = await tempFolder(label);
  folders.push(dir);
  return dir;
};
const idsOf = (alerts: readonly StoredAlert[]) => alerts.map((a) => a.alertId.toString()).sort();

beforeAll(async () => {
  fileIds = await idsInFolder(TOPICS);
  server = await startServer();
  snia = await timings.time('training and registering', () => trainFinkModel(server, 'snia'));
  }, SLOW);

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await server?.close();
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
  console.error(`broker failure acceptance timings (ms): ${timings}`);
});

describe('a module whose preprocessing raises on some alerts', () => {
  const divisible = () => new Set(fileIds.filter((id) => BigInt(id) % 7n === 0n));
  let summary: BrokerSummary;
  let stored: StoredAlert[];
  let letters: StoredDeadLetter[];

  beforeAll(async () => {
    const dir = await folder('raising');
    await writeRaisingPreprocessing(join(dir, 'raising-preprocessing'));
    const config = `follow_registry: 0\nbatch_size: 100\nmodules:\n${SNIA}  - name: strict
    model: models:/snia@champion
    preprocessing: ./raising-preprocessing
    outputs: [strict_other, strict_score]
`;
    const run = await timings.time('raising run', async () => runBrokerConfig({ server, config, dir, dataDir: await folder('raising-data'), alerts: TOPICS, logger }));
    stores.push(run.store);
    summary = run.summary;
    stored = await storedAlerts(run.store);
    letters = await run.store.deadLetters({ limit: 1000 });
    for (const alert of stored) referenceScores.set(alert.alertId.toString(), outputsOfStored(alert).snia_score as number);
  }, SLOW);

  it('dead-letters exactly the alerts it raises on, for that module only, with the exception', () => {
    expect(divisible().size).toBeGreaterThan(10);
    expect(letters.every((l) => l.kind === 'module' && l.module === 'strict')).toBe(true);
    expect(new Set(letters.map((l) => l.alertId!.toString()))).toEqual(divisible());
    for (const letter of letters) {
      expect(letter.stage).toBe('preprocessing');
      expect(letter.reason).toContain(`ValueError: candid ${letter.alertId} is divisible by 7`);
      expect(letter).toMatchObject({ survey: 'ztf', model: snia.name, version: snia.version });
    }
    const strict = summary.modules.find((m) => m.name === 'strict')!;
    expect(strict.deadLettered).toBeGreaterThanOrEqual(divisible().size);
    expect(summary.modules.find((m) => m.name === 'snia')!.deadLettered).toBe(0);
  });

  it('still stores those alerts, with the other module\'s outputs', () => {
    expect(idsOf(stored)).toEqual([...new Set(fileIds)].sort());
    for (const alert of stored) {
      const raised = divisible().has(alert.alertId.toString());
      expect(alert.scores.map((s) => s.module), alert.alertId.toString()).toEqual(raised ? ['snia'] : ['snia', 'strict']);
      const out = outputsOfStored(alert);
      expect(typeof out.snia_score).toBe('number');
      // The same model on the same features where the step did not raise (in smaller batches: the last bit may differ).
      if (!raised) expect(out.strict_score as number).toBeCloseTo(out.snia_score as number, 12);
    }
  });
});

describe('a module whose Python worker is killed mid-run', () => {
  let summary: BrokerSummary;
  let stored: StoredAlert[];
  let letters: StoredDeadLetter[];
  let killed: { pids: number[]; storedBefore: number } | undefined;

  beforeAll(async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // Once the first batches are stored, the one worker of the scikit-learn 1.5 model is killed;
    // the alerts after the first 100 are read only then.
    const onProgress = (progress: BrokerProgress) => {
      if (killed || progress.alertsStored === 0) return;
      const pids = modelWorkerPids('scikit-learn==1.5.2');
      if (pids.length === 1) process.kill(pids[0]!, 'SIGKILL');
      killed = { pids, storedBefore: progress.alertsStored };
      openGate();
    };
    const config = `follow_registry: 0\nbatch_size: 25\nmodules:\n${SNIA}`;
    const alerts = gatedSource(openAlertSource(TOPICS), 100, gate);
    const run = await timings.time('killed-worker run', async () =>
      runBrokerConfig({ server, config, dir: await folder('killed'), dataDir: await folder('killed-data'), alerts, logger, onProgress }),
    );
    stores.push(run.store);
    summary = run.summary;
    stored = await storedAlerts(run.store);
    letters = await run.store.deadLetters({ limit: 1000 });
  }, SLOW);

  it('killed the worker after the first batches were stored, before the last', () => {
    expect(killed?.pids, 'the scikit-learn 1.5 workers of this process').toHaveLength(1);
    expect(killed!.storedBefore).toBeGreaterThan(0);
    expect(killed!.storedBefore).toBeLessThan(fileIds.length);
    expect(isRunning(killed!.pids[0]!)).toBe(false);
  });

  it('loses no alert: every one stored with the module\'s outputs, none dead-lettered', () => {
    expect(summary.alertsRead).toBe(fileIds.length);
    expect(idsOf(stored)).toEqual([...new Set(fileIds)].sort());
    for (const alert of stored) {
      expect(alert.scores.map((s) => [s.module, s.version]), alert.alertId.toString()).toEqual([['snia', snia.version]]);
      // What the model gave this alert in the run without a kill (scored in batches of another size).
      expect(outputsOfStored(alert).snia_score as number).toBeCloseTo(referenceScores.get(alert.alertId.toString())!, 12);
    }
    expect(letters).toEqual([]);
    expect(summary.modules.map((m) => [m.name, m.deadLettered])).toEqual([['snia', 0]]);
  });
});
