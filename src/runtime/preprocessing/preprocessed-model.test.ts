/**
 * A registered model loaded and closed leaves nothing in the temp folder: its downloaded files
 * (aviary-model-*) and the folder its source run's preprocessing was looked for in
 * (aviary-preprocessing-*) go, also when the run has no preprocessing step.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary, type Aviary } from '../../app/open-aviary.js';
import { silentLogger } from '../../common/logger.js';
import type { EnvironmentBuilder } from '../environment-builder.js';
import { prepareTestModels } from '../testing/test-models.js';
import { PreprocessedModel } from './preprocessed-model.js';

const noEnvironments: EnvironmentBuilder = {
  build: async () => {
    throw new Error('an ONNX model needs no Python environment');
  },
};

let work: string;
let temp: string;
let aviary: Aviary;
let tmpBefore: string | undefined;

/** Aviary's folders in `temp` (ONNX Runtime leaves files of its own there). */
const aviaryFolders = async () => (await readdir(temp)).filter((name) => name.startsWith('aviary-'));

beforeAll(async () => {
  const models = await prepareTestModels();
  work = await mkdtemp(join(tmpdir(), 'aviary-preprocessed-model-test-'));
  temp = join(work, 'tmp');
  await mkdir(temp);
  aviary = await openAviary(configForDataDir(join(work, 'data')), silentLogger);
  const experiment = await aviary.tracking.createExperiment('cls', undefined, []);
  const run = await aviary.tracking.createRun({ experimentId: experiment, tags: [] });
  const folder = join(models.dir, 'onnx-classifier');
  const path = `${experiment}/${run.info.run_id}/artifacts/model`;
  for (const file of await readdir(folder)) await aviary.artifacts.write(`${path}/${file}`, createReadStream(join(folder, file)));
  await aviary.registry.createRegisteredModel('cls', { tags: [] });
  await aviary.registry.createModelVersion({ name: 'cls', source: `runs:/${run.info.run_id}/model`, runId: run.info.run_id, tags: [] });
  // From here on the temp folders are made in `temp`, which starts empty.
  tmpBefore = process.env.TMPDIR;
  process.env.TMPDIR = temp;
}, 600_000);

afterAll(async () => {
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  await aviary?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('PreprocessedModel', () => {
  it('leaves no temp folder once a registered model without a preprocessing step is loaded, used and closed', async () => {
    const model = await PreprocessedModel.load('models:/cls/1', { aviary, builder: noEnvironments });
    try {
      expect(model.preprocessing).toBeUndefined();
      expect(await aviaryFolders()).toEqual([expect.stringMatching(new RegExp(`^aviary-model-${process.pid}-`))]);
      const scores = await model.scoreAlerts([{ magpsf: 18.2, sigmapsf: 0.1, drb: 0.9, ndethist: 3 }]);
      expect(scores.alerts[0]!.error).toBeUndefined();
    } finally {
      await model.close();
    }
    expect(await aviaryFolders()).toEqual([]);
  });
});
