/**
 * Acceptance (champion and challenger): the 561 alerts of ztf/fink-topics-2023 scored by a
 * module's @champion and, as a shadow, by its @challenger (three versions trained and registered
 * by the real mlflow client: a logistic regression, a random forest, and the logistic regression
 * with a preprocessing step that raises on some real alerts), into a SQLite alert store.
 *   - Shadow outputs are stored with their version, apart; filters and their outputs see the
 *     champion's only, unless an expression names `snia@challenger.snia_score`.
 *   - A move of @champion to the raising version is refused at swap time; the champion keeps scoring.
 *   - A move during a run: every alert scored by exactly one version, the counts adding up; a
 *     move back reuses the version still loaded.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertSource } from '../../../src/broker/sources/alert-source.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import type { AlertStore, StoredAlert } from '../../../src/broker/store/alert-store.js';
import { startServer, train, trainingPython, type TestServer, type Trained } from '../runtime/training.js';
import { BROKER_FIXTURES, candidOfLine, FINK_FEATURES, jsonLines, keepingLogger, runBrokerConfig, SLOW, storedAlerts, tempFolder, trainFinkModel, writeRaisingPreprocessing } from './broker-testing.js';
import { dataPath } from './shared-data.js';

const TOPICS = dataPath('ztf/fink-topics-2023');
const folders: string[] = [];
const stores: AlertStore[] = [];
let server: TestServer;
let logistic: Trained;
let forest: Trained;
let raising: Trained;

const folder = async (label: string) => {
  const dir = await tempFolder(label);
  folders.push(dir);
  return dir;
};
const setAlias = (alias: string, version: string) => server.aviary.registry.setAlias('snia', alias, version);

beforeAll(async () => {
  server = await startServer();
  logistic = await trainFinkModel(server, 'snia');
  const python = await trainingPython('sklearn-1.5.txt');
  const features = ['--features', FINK_FEATURES.join(',')];
  forest = await train(python, server, 'snia', 'forest', [...features, '--preprocessing', join(BROKER_FIXTURES, 'fink-features')]);
  const dir = await folder('raising-step');
  await writeRaisingPreprocessing(join(dir, 'preprocessing'));
  raising = await train(python, server, 'snia', 'logistic', [...features, '--preprocessing', join(dir, 'preprocessing')]);
}, SLOW);

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await server?.close();
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The alerts of `source`, calling `at(n)` (and waiting for it) before the n-th is handed out. */
function steppedSource(source: AlertSource, at: (n: number) => Promise<void> | void): AlertSource {
  return {
    description: source.description,
    async *[Symbol.asyncIterator]() {
      let n = 0;
      for await (const item of source) {
        await at(n++);
        yield item;
      }
    },
  };
}

async function waitForLine(lines: readonly string[], part: string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = lines.find((l) => l.includes(part));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no log line with "${part}" in ${timeoutMs} ms; the log:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const unique = (ids: readonly string[]) => [...new Set(ids)].sort();
const scoreOf = (alert: StoredAlert) => alert.scores.find((s) => s.module === 'snia')!;

describe('a module with a shadow alias', () => {
  let stored: StoredAlert[];
  let dir: string;
  let summary: Awaited<ReturnType<typeof runBrokerConfig>>['summary'];

  beforeAll(async () => {
    await setAlias('champion', logistic.version);
    await setAlias('challenger', forest.version);
    dir = await folder('shadow');
    const config = `follow_registry: 0
batch_size: 100
modules:
  - name: snia
    model: models:/snia@champion
    outputs: [snia_other, snia_score]
    shadow: [challenger]
filters:
  - {name: champion_says, expression: "snia_score > 0.5", output: champion.jsonl}
  - {name: challenger_says, expression: "snia@challenger.snia_score > 0.5", output: challenger.jsonl}
`;
    const run = await runBrokerConfig({ server, config, dir, dataDir: await folder('shadow-data'), alerts: TOPICS, logger: keepingLogger() });
    stores.push(run.store);
    summary = run.summary;
    stored = await storedAlerts(run.store);
  }, SLOW);

  it("stores the shadow's outputs per alert with the version that made them, apart from the module's", () => {
    expect(stored.length).toBeGreaterThan(500);
    let differ = 0;
    for (const alert of stored) {
      expect(alert.scores.map((s) => [s.module, s.version]), alert.alertId.toString()).toEqual([['snia', logistic.version]]);
      expect(alert.shadows?.map((s) => [s.module, s.alias, s.model, s.version])).toEqual([['snia', 'challenger', 'snia', forest.version]]);
      const shadow = alert.shadows![0]!.outputs;
      expect(Object.keys(shadow).sort()).toEqual(['snia_other', 'snia_score']);
      if (Math.abs((shadow.snia_score as number) - (scoreOf(alert).outputs.snia_score as number)) > 1e-6) differ++;
    }
    // Two models: they disagree somewhere.
    expect(differ).toBeGreaterThan(0);
    const [status] = summary.modules;
    expect(status!.shadows).toMatchObject([{ alias: 'challenger', version: forest.version, state: 'ready', scored: summary.alertsRead, deadLettered: 0 }]);
  });

  it("gives filters and their outputs the champion's outputs only, and a shadow's when an expression names it", async () => {
    const champion = await jsonLines(join(dir, 'champion.jsonl'));
    const byId = new Map(stored.map((a) => [a.alertId.toString(), a]));
    const expected = stored.filter((a) => (scoreOf(a).outputs.snia_score as number) > 0.5).map((a) => a.alertId.toString());
    // The files hold a few alerts twice: each is in the output once a time it was read.
    expect(unique(champion.map((l) => candidOfLine(l)))).toEqual(unique(expected));
    for (const line of champion) {
      const text = JSON.stringify(line, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      expect(text).not.toContain('challenger');
      expect(text).not.toContain('@');
      const alert = byId.get(candidOfLine(line))!;
      expect(line.snia_score).toBe(scoreOf(alert).outputs.snia_score);
    }
    const challenger = await jsonLines(join(dir, 'challenger.jsonl'));
    const expectedShadow = stored.filter((a) => (a.shadows![0]!.outputs.snia_score as number) > 0.5).map((a) => a.alertId.toString());
    expect(unique(challenger.map((l) => candidOfLine(l)))).toEqual(unique(expectedShadow));
    // The two filters differ: the shadow's expression read the shadow's outputs.
    expect(expectedShadow.sort()).not.toEqual(expected.sort());
    for (const line of challenger) expect(line.snia_score).toBe(scoreOf(byId.get(candidOfLine(line))!).outputs.snia_score);
  });
});

describe('moving @champion during a run', () => {
  it('refuses a version whose preprocessing raises on recently stored alerts, and the champion keeps scoring', async () => {
    await setAlias('champion', logistic.version);
    const logger = keepingLogger();
    const config = `follow_registry: 500ms\nbatch_size: 50\nmodules:\n  - {name: snia, model: "models:/snia@champion", outputs: [snia_other, snia_score]}\n`;
    const alerts = steppedSource(openAlertSource(TOPICS), async (n) => {
      if (n !== 200) return;
      await setAlias('champion', raising.version);
      await waitForLine(logger.lines, 'swap refused');
    });
    const run = await runBrokerConfig({ server, config, dir: await folder('refused'), dataDir: await folder('refused-data'), alerts, logger });
    stores.push(run.store);
    const [status] = run.summary.modules;
    expect(status!.swapRefused?.version).toBe(raising.version);
    expect(status!.swapRefused?.reason).toMatch(/^\d+ of \d+ alerts raise in pre_processing: ValueError: candid \d+ is divisible by 7/);
    expect(status!.version).toBe(logistic.version);
    expect(status!.versions!.map((v) => [v.version, v.scored])).toEqual([[logistic.version, run.summary.alertsRead]]);
    const line = logger.lines.find((l) => l.includes('swap refused'))!;
    expect(line).toContain(`snia: swap refused: models:/snia@champion moved to version ${raising.version}`);
    expect(line).toContain(`still scoring with version ${logistic.version}`);
    for (const alert of await storedAlerts(run.store)) expect(scoreOf(alert).version).toBe(logistic.version);
    expect(await run.store.deadLetters({ limit: 10 })).toEqual([]);
    // The run's saved status (what the API and the UI show) says so too.
    const [saved] = await run.store.runStatuses(1);
    expect(saved!.modules[0]!.swapRefused).toMatchObject({ version: raising.version });
  }, SLOW);

  it('scores every alert with exactly one version, the counts adding up to the alerts read; a move back reuses the warm version', async () => {
    await setAlias('champion', logistic.version);
    const logger = keepingLogger();
    const config = `follow_registry: 500ms\nbatch_size: 50\nmodules:\n  - {name: snia, model: "models:/snia@champion", outputs: [snia_other, snia_score]}\n`;
    const alerts = steppedSource(openAlertSource(TOPICS), async (n) => {
      if (n === 150) {
        await setAlias('champion', forest.version);
        await waitForLine(logger.lines, `version ${forest.version} loaded in`);
      }
      if (n === 350) {
        await setAlias('champion', logistic.version);
        await waitForLine(logger.lines, `now points at version ${logistic.version}, still loaded`);
      }
    });
    const run = await runBrokerConfig({ server, config, dir: await folder('swap'), dataDir: await folder('swap-data'), alerts, logger });
    stores.push(run.store);
    const [status] = run.summary.modules;
    const counts = new Map(status!.versions!.map((v) => [v.version, v.scored + v.deadLettered]));
    expect([...counts.keys()].sort()).toEqual([logistic.version, forest.version].sort());
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(run.summary.alertsRead);
    expect(counts.get(forest.version)).toBeGreaterThan(0);
    // Stored: each alert with one score of the module, by one of the two versions.
    for (const alert of await storedAlerts(run.store)) {
      expect(alert.scores.filter((s) => s.module === 'snia').map((s) => s.version)).toHaveLength(1);
      expect([logistic.version, forest.version]).toContain(scoreOf(alert).version);
    }
    expect(logger.lines.some((l) => l.includes(`moved from version ${forest.version} to ${logistic.version}`))).toBe(true);
    // The new version's worker was the environment's spare (started with MLflow imported while version 1 scored).
    expect(logger.lines.filter((l) => l.startsWith(`[snia/${forest.version}] worker pid`)).join('\n')).toContain('(a spare: started and MLflow imported beforehand)');
  }, SLOW);

  it("promotes the challenger in seconds: @champion moved to the shadow's version shares its loaded model", async () => {
    await setAlias('champion', logistic.version);
    await setAlias('challenger', forest.version);
    const logger = keepingLogger();
    const config = `follow_registry: 500ms\nbatch_size: 50\nmodules:\n  - {name: snia, model: "models:/snia@champion", outputs: [snia_other, snia_score], shadow: [challenger]}\n`;
    const alerts = steppedSource(openAlertSource(TOPICS), async (n) => {
      if (n !== 150) return;
      await setAlias('champion', forest.version);
      await waitForLine(logger.lines, `version ${forest.version} shared with the shadow`);
    });
    const run = await runBrokerConfig({ server, config, dir: await folder('promote'), dataDir: await folder('promote-data'), alerts, logger });
    stores.push(run.store);
    expect(logger.lines.some((l) => l.includes(`now points at version ${forest.version}, already loaded for a shadow of the module`))).toBe(true);
    // Nothing loaded again: no fetch of the version for the module itself.
    expect(logger.lines.filter((l) => l.startsWith(`snia: fetching models:/snia/${forest.version}`))).toEqual([]);
    const [status] = run.summary.modules;
    expect(status!.versions!.map((v) => v.version)).toEqual([logistic.version, forest.version]);
    expect(status!.versions!.reduce((sum, v) => sum + v.scored + v.deadLettered, 0)).toBe(run.summary.alertsRead);
    // The shadow kept scoring every alert with the same (shared) model.
    expect(status!.shadows).toMatchObject([{ alias: 'challenger', version: forest.version, scored: run.summary.alertsRead }]);
    for (const alert of await storedAlerts(run.store)) {
      expect(alert.shadows?.map((s) => s.version)).toEqual([forest.version]);
      if (scoreOf(alert).version === forest.version) expect(scoreOf(alert).outputs).toEqual(alert.shadows![0]!.outputs);
    }
  }, SLOW);
});
