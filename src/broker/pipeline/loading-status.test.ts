/**
 * While a module's Python environment builds, the run's saved status says so (the broker page
 * shows it live); a module that cannot load fails the run with its name, and the failed status
 * is saved.
 */
import { beforeAll, expect, it } from 'vitest';
import type { EnvironmentBuilder } from '../../runtime/environment-builder.js';
import { prepareTestModels, type TestModels } from '../../runtime/testing/test-models.js';
import { parseBrokerConfig } from '../config/load-broker-config.js';
import { openAlertSource } from '../sources/open-alert-source.js';
import { MemoryAlertStore } from '../store/memory-alert-store.js';
import { FINK_TOPICS } from './pipeline-test-support.js';
import { runBroker } from './run-broker.js';

let models: TestModels;
beforeAll(async () => {
  models = await prepareTestModels();
}, 600_000);

it('saves building-environment for a module whose environment is being built, then failed when it cannot be', async () => {
  let fail!: (err: Error) => void;
  const building = new Promise<never>((_, reject) => (fail = reject));
  let asked = false;
  const builder: EnvironmentBuilder = {
    build: async () => {
      asked = true;
      return building;
    },
  };
  const store = new MemoryAlertStore();
  const config = parseBrokerConfig(
    `modules:\n  - name: forest\n    model: ${models.dir}/sklearn-classifier\n    inputs: [magpsf, sigmapsf, drb, ndethist]\n    outputs: [forest_label]\n`,
    '/tmp/broker.yaml',
  );
  const run = runBroker({ config, source: openAlertSource(FINK_TOPICS), store, builder });
  const outcome = run.then(
    () => 'finished',
    (err: Error) => err.message,
  );
  let state: string | undefined;
  for (let waited = 0; waited < 20_000 && state !== 'building-environment'; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    state = (await store.runStatuses(1))[0]?.modules[0]?.state;
  }
  expect(asked).toBe(true);
  expect(state).toBe('building-environment');
  fail(new Error('no network for the wheels'));
  expect(await outcome).toContain('module forest');
  const [status] = await store.runStatuses(1);
  expect(status?.state).toBe('failed');
  expect(status?.error).toContain('no network for the wheels');
}, 60_000);
