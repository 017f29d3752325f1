/**
 * A module whose config does not fit its model's signature fails the run as soon as that model
 * is loaded: before any alert is read, and without waiting for the other modules to load.
 */
import { appendFile, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentBuilder } from '../../runtime/environment-builder.js';
import { until } from '../../runtime/testing/processes.js';
import { prepareTestModels, type TestModels } from '../../runtime/testing/test-models.js';
import { parseBrokerConfig } from '../config/load-broker-config.js';
import type { AlertSource, AlertSourceItem } from '../sources/alert-source.js';
import { MemoryAlertStore } from '../store/memory-alert-store.js';
import { FINK_TOPICS, noEnvironments, recordingLogger, rawAlerts } from './pipeline-test-support.js';
import { runBroker } from './run-broker.js';

let models: TestModels;
let work: string;
/** The ONNX classifier saved with its signature, as mlflow.onnx.save_model(signature=...) writes it. */
let signed: string;
beforeAll(async () => {
  models = await prepareTestModels();
  work = await mkdtemp(join(tmpdir(), 'aviary-open-modules-'));
  signed = join(work, 'onnx-signed');
  await cp(join(models.dir, 'onnx-classifier'), signed, { recursive: true });
  const outputs = [
    { type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] }, name: 'label' },
    { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] }, name: 'probabilities' },
  ];
  const inputs = [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 4] }, name: 'X' }];
  await appendFile(join(signed, 'MLmodel'), `signature:\n  inputs: '${JSON.stringify(inputs)}'\n  outputs: '${JSON.stringify(outputs)}'\n  params: null\n`);
}, 600_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/** Real alerts that record whether the run ever asked for one. */
async function watchedSource(): Promise<AlertSource & { pulled: boolean }> {
  const records = await rawAlerts(20);
  const source = {
    description: `${FINK_TOPICS} (20 alerts)`,
    pulled: false,
    async *[Symbol.asyncIterator](): AsyncGenerator<AlertSourceItem> {
      source.pulled = true;
      yield* records;
    },
  };
  return source;
}

const CONFIG = (outputs: string, extra = '') => `modules:
  - name: slsn
    model: ${'SIGNED'}
    inputs: [magpsf, sigmapsf, drb, candidate.ndethist]
    outputs: ${outputs}
${extra}`;

const config = (outputs: string, extra = '') => parseBrokerConfig(CONFIG(outputs, extra).replace('SIGNED', signed), '/srv/broker.yaml');

/** Python worker processes this process started. */
async function workerChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && (await readFile(`/proc/${entry}/cmdline`, 'utf8')).includes('aviary_worker')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('openModules', () => {
  it("fails the run before any alert is read when a module's output is not one of its model's, naming where and what it has", async () => {
    const source = await watchedSource();
    const store = new MemoryAlertStore();
    const progress: string[] = [];
    await expect(runBroker({ config: config('{slsn_score: probability_1}'), source, store, builder: noEnvironments, progress: (l) => progress.push(l) })).rejects.toThrow(
      "/srv/broker.yaml:5:27: modules[0].outputs.slsn_score: module slsn: the model has no output 'probability_1' (did you mean 'probabilities_1'?); its outputs (from its signature) are: label, probabilities_0, probabilities_1",
    );
    expect(source.pulled).toBe(false);
    expect(await store.countAlerts()).toBe(0);
    const [status] = await store.runStatuses(1);
    expect(status!.state).toBe('failed');

    // The same module with the right output name runs, and says nothing about an unchecked signature.
    const fixed = await watchedSource();
    const summary = await runBroker({ config: config('{slsn_score: probabilities_1}'), source: fixed, store, builder: noEnvironments, progress: (l) => progress.push(l) });
    expect(fixed.pulled).toBe(true);
    expect(summary.alertsStored).toBe(20);
    expect(progress.filter((l) => l.includes('cannot be checked'))).toEqual([]);
  }, 120_000);

  it('says once in the progress log that a model without a signature cannot be checked before the first batch', async () => {
    const progress: string[] = [];
    const unsigned = parseBrokerConfig(CONFIG('[l, p0, p1]').replace('SIGNED', join(models.dir, 'onnx-classifier')), '/srv/broker.yaml');
    await runBroker({ config: unsigned, source: await watchedSource(), store: new MemoryAlertStore(), builder: noEnvironments, progress: (l) => progress.push(l) });
    expect(progress.filter((l) => l.includes('cannot be checked'))).toEqual([
      'slsn: the model has no signature: outputs and inputs cannot be checked before the first batch is scored',
    ]);
  }, 120_000);

  it('does not wait for the other modules to finish loading, and closes them once they have', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = false;
    const builder: EnvironmentBuilder = {
      build: async () => {
        asked = true;
        await gate;
        return models.environment;
      },
    };
    const slow = `  - name: forest\n    model: ${models.dir}/sklearn-classifier\n    inputs: [{f0: magpsf}, {f1: sigmapsf}, {f2: drb}, {f3: ndethist}]\n    outputs: [forest_label]\n`;
    const source = await watchedSource();
    const logger = recordingLogger();
    const progress: string[] = [];
    const run = runBroker({ config: config('{slsn_score: probability_1}', slow), source, store: new MemoryAlertStore(), builder, logger, progress: (l) => progress.push(l) });
    await expect(run).rejects.toThrow("modules[0].outputs.slsn_score: module slsn: the model has no output 'probability_1'");
    expect(source.pulled).toBe(false);
    // The other module's environment is still "building" (the gate is closed); once it is there
    // the module loads, and is closed at once.
    await until(() => asked, 30_000);
    release();
    await until(() => progress.some((l) => l.includes('forest') && l.includes('starting 1 worker')), 30_000);
    let seen = false;
    for (let waited = 0; waited < 60_000; waited += 50) {
      const children = await workerChildren();
      seen ||= children.length > 0;
      if (seen && children.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toBe(true);
    expect(await workerChildren()).toEqual([]);
  }, 120_000);
});
