/**
 * `aviary broker run`, in-process: a broker.yaml with an ONNX model folder over the real
 * fink-topics-2023 alerts into a data dir; the summary on stdout, a replay that adds nothing,
 * a second config's run that keeps the first's scores, and a config mistake reported with its
 * line and exit status 1.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINK_TOPICS } from '../../../src/broker/pipeline/pipeline-test-support.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { alertsCommand } from '../../../src/cli/commands/alerts-command.js';
import { brokerCommand } from '../../../src/cli/commands/broker-command.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { prepareTestModels, type TestModels } from '../../../src/runtime/testing/test-models.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';
import { dataPath } from './shared-data.js';

const aviary = (...args: string[]) => runInProcess(brokerCommand, args);

let models: TestModels;
let work: string;
let config: string;

beforeAll(async () => {
  models = await prepareTestModels();
  work = await mkdtemp(join(tmpdir(), 'aviary-broker-cli-'));
  config = join(work, 'broker.yaml');
  await writeFile(
    config,
    `batch_size: 200
modules:
  - name: cls
    model: ${models.dir}/onnx-classifier
    inputs: [magpsf, sigmapsf, drb, ndethist]
    outputs: {cls_score: probabilities_1}
filters:
  - name: likely
    expression: cls_score > 0.5 and drb > 0.5
    output: out/likely.jsonl
`,
  );
}, 600_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe('aviary broker run', () => {
  it('scores, stores and filters the real alerts, prints the summary, and a replay adds nothing', async () => {
    const dataDir = join(work, 'data');
    const first = await aviary('run', '--config', config, '--source', FINK_TOPICS, '--data-dir', dataDir);
    expect(first.stderr).not.toContain('aviary:');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('alerts read:          561');
    expect(first.stdout).toMatch(/cls \(.*onnx-classifier\) ready: 561 scored, 0 dead-lettered/);
    const matched = Number(/likely: (\d+) matched/.exec(first.stdout)?.[1]);
    const lines = (await readFile(join(work, 'out/likely.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(matched);

    const store = await openAlertStore(`sqlite:///${dataDir}/alerts.db`);
    const stored = await store.countAlerts();
    await store.close();
    expect(first.stdout).toContain(`alerts stored:        561 (${stored} new, ${561 - stored} replayed)`);

    const replay = await aviary('run', '--config', config, '--source', FINK_TOPICS, '--data-dir', dataDir, '--json');
    expect(replay.code).toBe(0);
    const summary = parseExactJson(replay.stdout) as { alertsRead: number; alertsInserted: number };
    expect(summary.alertsRead).toBe(561);
    expect(summary.alertsInserted).toBe(0);
  }, 300_000);

  it("keeps a first config's module scores when a second config's modules score the same alerts", async () => {
    const dataDir = join(work, 'two-configs');
    const files = (await readdir(FINK_TOPICS)).filter((f) => f.endsWith('.avro')).sort().slice(0, 12).map((f) => join(FINK_TOPICS, f));
    const module = (name: string, output: string, probability: number) =>
      `  - name: ${name}\n    model: ${models.dir}/onnx-classifier\n    inputs: [magpsf, sigmapsf, drb, ndethist]\n    outputs: {${output}: probabilities_${probability}}\n`;
    const configA = join(work, 'config-a.yaml');
    const configB = join(work, 'config-b.yaml');
    await writeFile(configA, `modules:\n${module('slsn', 'slsn_score', 1)}${module('fields', 'fields_p0', 0)}`);
    await writeFile(configB, `modules:\n${module('slsnp', 'slsnp_score', 1)}`);
    for (const config of [configA, configB, configB]) {
      const run = await aviary('run', '--config', config, '--source', ...files, '--data-dir', dataDir);
      expect(run.stderr).not.toContain('aviary:');
      expect(run.code).toBe(0);
    }
    const store = await openAlertStore(`sqlite:///${dataDir}/alerts.db`);
    const page = await store.searchAlerts({ limit: 100 });
    await store.close();
    expect(page.alerts.length).toBeGreaterThan(5);
    for (const alert of page.alerts) {
      const got = await runInProcess(alertsCommand, ['get', String(alert.alertId), '--data-dir', dataDir, '--json']);
      expect(got.code).toBe(0);
      const { scores } = parseExactJson(got.stdout) as { scores: { module: string; outputs: Record<string, number>; scoredAt: string }[] };
      expect(scores.map((s) => s.module)).toEqual(['slsn', 'fields', 'slsnp']);
      expect(scores[0]!.outputs.slsn_score).toBeCloseTo(scores[2]!.outputs.slsnp_score!, 6);
      expect(scores[1]!.outputs.fields_p0! + scores[0]!.outputs.slsn_score!).toBeCloseTo(1, 5);
      expect(scores[0]!.scoredAt < scores[2]!.scoredAt).toBe(true);
    }
    const text = await runInProcess(alertsCommand, ['get', String(page.alerts[0]!.alertId), '--data-dir', dataDir]);
    expect(text.stdout).toMatch(/slsn: .*onnx-classifier.* slsn_score=/);
    expect(text.stdout).toMatch(/fields: .*onnx-classifier.* fields_p0=/);
    expect(text.stdout).toMatch(/slsnp: .*onnx-classifier.* slsnp_score=/);
  }, 300_000);

  it('stores into the alert store --alert-store-uri names instead of the data directory\'s', async () => {
    const dataDir = join(work, 'uri-data');
    const elsewhere = join(work, 'elsewhere.db');
    const result = await aviary('run', '--config', config, '--source', dataPath('ztf/raw-2020'), '--data-dir', dataDir, '--alert-store-uri', `sqlite:///${elsewhere}`);
    expect(result.code).toBe(0);
    const store = await openAlertStore(`sqlite:///${elsewhere}`);
    const stored = await store.countAlerts();
    await store.close();
    expect(stored).toBe(50);
    expect(existsSync(join(dataDir, 'alerts.db'))).toBe(false);
  }, 300_000);

  it('reports a config mistake with the file, the line and the key, and exits with 1', async () => {
    const bad = join(work, 'bad.yaml');
    await writeFile(bad, `modules:\n  - name: cls\n    model: ${models.dir}/onnx-classifier\n    outputs: [a]\n    batch_size: lots\n`);
    const result = await aviary('run', '--config', bad, '--source', FINK_TOPICS, '--data-dir', join(work, 'bad-data'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}:5:17: modules[0].batch_size`);
    expect(result.stdout).toBe('');
  });
});
