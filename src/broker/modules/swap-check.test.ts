import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTestModels, type TestModels } from '../../runtime/testing/test-models.js';
import type { PreprocessedModel } from '../../runtime/preprocessing/preprocessed-model.js';
import { toAlert } from '../alert.js';
import { parseBrokerConfig } from '../config/load-broker-config.js';
import { noEnvironments, rawAlerts, recordingLogger } from '../pipeline/pipeline-test-support.js';
import type { RecentAlert } from '../pipeline/recent-alerts.js';
import { ModelModule } from './model-module.js';
import { swapCheck } from './swap-check.js';

let models: TestModels;
let recent: RecentAlert[];
const opened: PreprocessedModel[] = [];

/** The ONNX classifier as a module reading four alert fields, with `outputs`. */
async function moduleWith(outputs: string): Promise<{ module: ModelModule; model: PreprocessedModel }> {
  const config = parseBrokerConfig(`modules:\n  - {name: snia, model: ${join(models.dir, 'onnx-classifier')}, inputs: [magpsf, sigmapsf, drb, ndethist], outputs: ${outputs}}\n`, '/srv/broker.yaml').modules[0]!;
  const options = { builder: noEnvironments, logger: recordingLogger() };
  const module = await ModelModule.load(config, options);
  const model = await ModelModule.loadModel(config, options);
  opened.push(model);
  return { module, model };
}

beforeAll(async () => {
  models = await prepareTestModels();
  recent = (await rawAlerts(50)).map((record) => ({ alert: toAlert(record), scores: [] }));
}, 600_000);

afterAll(async () => {
  await Promise.all(opened.map((m) => m.close()));
});

describe('the swap check', () => {
  it('lets a version that scores the recent alerts within the per-alert time through, and says nothing', async () => {
    const { module, model } = await moduleWith('[label, p0, p1]');
    expect(await swapCheck(module, async () => recent)(model, '2')).toBeUndefined();
    await module.close();
  });

  it("refuses a version slower than the module's timeout over its batch size, naming both", async () => {
    const { module, model } = await moduleWith('[label, p0, p1]');
    const reason = await swapCheck(module, async () => recent, 1e-6)(model, '2');
    expect(reason).toMatch(/^it takes \d+\.\d ms an alert, more than the module's 0\.0 ms \(timeout over batch_size\): its batches would time out$/);
    await module.close();
  });

  it("refuses a version whose outputs do not fit the module's names", async () => {
    const { module, model } = await moduleWith('[only_one]');
    const reason = await swapCheck(module, async () => recent)(model, '2');
    expect(reason).toContain('only_one');
    await module.close();
  });

  it('has nothing to check on before any alert is stored', async () => {
    const { module, model } = await moduleWith('[label, p0, p1]');
    expect(await swapCheck(module, async () => [])(model, '2')).toBeUndefined();
    await module.close();
  });
});
