import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary, type Aviary } from '../../app/open-aviary.js';
import { prepareTestModels, type TestModels } from '../../runtime/testing/test-models.js';
import { parseBrokerConfig } from '../config/load-broker-config.js';
import { MemoryAlertStore } from '../store/memory-alert-store.js';
import { noEnvironments, rawAlerts, recordingLogger, replicatedSource } from './pipeline-test-support.js';
import { runBroker } from './run-broker.js';

let models: TestModels;
let work: string;
let aviary: Aviary;

/** Registers a model folder's files as a new version of `name`. */
async function register(name: string, folder: string, path: string): Promise<string> {
  for (const file of await readdir(folder)) await aviary.artifacts.write(`${path}/${file}`, createReadStream(join(folder, file)));
  return (await aviary.registry.createModelVersion({ name, source: `mlflow-artifacts:/${path}`, tags: [] })).version;
}

beforeAll(async () => {
  models = await prepareTestModels();
  work = await mkdtemp(join(tmpdir(), 'aviary-follow-'));
  aviary = await openAviary(configForDataDir(join(work, 'data')), recordingLogger());
  await aviary.registry.createRegisteredModel('snia', { tags: [] });
  // Two versions with the same three outputs under different names: a list maps them by position.
  expect(await register('snia', join(models.dir, 'onnx-classifier'), 'snia/v1')).toBe('1');
  expect(await register('snia', join(models.dir, 'onnx-zipmap'), 'snia/v2')).toBe('2');
  await aviary.registry.setAlias('snia', 'champion', '1');
}, 600_000);

afterAll(async () => {
  await aviary?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('following models:/snia@champion', () => {
  it('swaps to the version the alias moves to between batches, and counts what each version scored', async () => {
    const logger = recordingLogger();
    const config = parseBrokerConfig(
      `batch_size: 20
follow_registry: 1h
modules:
  - name: snia
    model: models:/snia@champion
    inputs: [magpsf, sigmapsf, drb, ndethist]
    outputs: [snia_label, snia_p0, snia_p1]
`,
      join(work, 'broker.yaml'),
    );
    const store = new MemoryAlertStore();
    // After 100 alerts the alias moves; the source waits until version 2 is loaded, then goes on.
    const source = replicatedSource(await rawAlerts(50), 4, async (yielded) => {
      if (yielded !== 100) return;
      await aviary.registry.setAlias('snia', 'champion', '2');
      await logger.waitFor('snia: version 2 loaded');
    });
    const summary = await runBroker({ config, source, store, builder: noEnvironments, aviary, logger });
    const [status] = summary.modules;
    expect(status!.version).toBe('2');
    expect(status!.alias).toBe('champion');
    expect(status!.modelName).toBe('snia');
    const versions = status!.versions!;
    expect(versions.map((v) => v.version)).toEqual(['1', '2']);
    expect(versions[0]!.scored + versions[1]!.scored).toBe(200);
    // Batches read before the move was loaded were scored by version 1.
    expect(versions[0]!.scored).toBeGreaterThanOrEqual(100);
    expect(versions[1]!.scored).toBeGreaterThan(0);
    expect(logger.lines).toContain('snia: models:/snia@champion moved from version 1 to 2; now scoring with version 2');
    // The alerts read last were stored with version 2's scores (a replay replaces the scores).
    const last = await store.getAlert(summary.alertsRead > 0 ? (await store.searchAlerts({ limit: 1 })).alerts[0]!.alertId : 0n);
    expect(last!.scores[0]!.version).toBe('2');
    expect(last!.scores[0]!.model).toBe('snia');
  }, 120_000);

  it('keeps the old version when the new one cannot be loaded, and says why', async () => {
    await aviary.registry.setAlias('snia', 'champion', '1');
    await aviary.artifacts.write('snia/v3/MLmodel', createReadStream(join(models.dir, 'onnx-classifier', 'MLmodel')));
    const broken = await aviary.registry.createModelVersion({ name: 'snia', source: 'mlflow-artifacts:/snia/v3', tags: [] });
    const logger = recordingLogger();
    const config = parseBrokerConfig(
      `batch_size: 10\nfollow_registry: 1h\nmodules:\n  - {name: snia, model: "models:/snia@champion", inputs: [magpsf, sigmapsf, drb, ndethist], outputs: [a, b, c]}\n`,
      join(work, 'broker.yaml'),
    );
    const source = replicatedSource(await rawAlerts(30), 1, async (yielded) => {
      if (yielded !== 10) return;
      await aviary.registry.setAlias('snia', 'champion', broken.version);
      await logger.waitFor('which could not be loaded');
    });
    const summary = await runBroker({ config, source, store: new MemoryAlertStore(), builder: noEnvironments, aviary, logger });
    expect(summary.modules[0]!.version).toBe('1');
    expect(summary.modules[0]!.scored).toBe(30);
    expect(summary.modules[0]!.versions!.map((v) => v.version)).toEqual(['1']);
    const line = logger.lines.find((l) => l.includes('which could not be loaded'))!;
    expect(line).toContain(`snia: models:/snia@champion moved to version ${broken.version}, which could not be loaded: `);
    expect(line).toContain('still scoring with version 1');
  }, 120_000);
});
