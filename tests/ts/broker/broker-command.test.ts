/**
 * `aviary broker run`, in-process: a broker.yaml with an ONNX model folder over the real
 * fink-topics-2023 alerts into a data dir; the summary on stdout, a replay that adds nothing,
 * and a config mistake reported with its line and exit status 1.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINK_TOPICS } from '../../../src/broker/pipeline/pipeline-test-support.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { brokerCommand } from '../../../src/cli/commands/broker-command.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { prepareTestModels, type TestModels } from '../../../src/runtime/testing/test-models.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';

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

  it('reports a config mistake with the file, the line and the key, and exits with 1', async () => {
    const bad = join(work, 'bad.yaml');
    await writeFile(bad, `modules:\n  - name: cls\n    model: ${models.dir}/onnx-classifier\n    outputs: [a]\n    batch_size: lots\n`);
    const result = await aviary('run', '--config', bad, '--source', FINK_TOPICS, '--data-dir', join(work, 'bad-data'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}:5:17: modules[0].batch_size`);
    expect(result.stdout).toBe('');
  });
});
