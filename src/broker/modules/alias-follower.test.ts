import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary, type Aviary } from '../../app/open-aviary.js';
import { TransientError } from '../../common/transient-error.js';
import { ModelLoadError } from '../../runtime/load-model.js';
import { PreprocessedModel } from '../../runtime/preprocessing/preprocessed-model.js';
import { prepareTestModels } from '../../runtime/testing/test-models.js';
import { noEnvironments, recordingLogger } from '../pipeline/pipeline-test-support.js';
import { AliasFollower, type FollowedModule } from './alias-follower.js';

let work: string;
let aviary: Aviary;

beforeAll(async () => {
  const models = await prepareTestModels();
  work = await mkdtemp(join(tmpdir(), 'aviary-alias-follower-'));
  aviary = await openAviary(configForDataDir(join(work, 'data')), recordingLogger());
  await aviary.registry.createRegisteredModel('snia', { tags: [] });
  for (const version of ['1', '2']) {
    const folder = join(models.dir, 'onnx-classifier');
    for (const file of await readdir(folder)) await aviary.artifacts.write(`snia/v${version}/${file}`, createReadStream(join(folder, file)));
    await aviary.registry.createModelVersion({ name: 'snia', source: `mlflow-artifacts:/snia/v${version}`, tags: [] });
  }
}, 600_000);

afterAll(async () => {
  await aviary?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A module on version 1 that records the versions it is given. */
function moduleOnVersion1(): FollowedModule & { replaced: PreprocessedModel[] } {
  const replaced: PreprocessedModel[] = [];
  return {
    config: { name: 'snia', model: 'models:/snia@champion' },
    get version() {
      return replaced.at(-1)?.model.version?.version ?? '1';
    },
    replaced,
    replace: (model) => replaced.push(model),
  };
}

describe('AliasFollower, polling a registry without events (a tracking server over HTTP)', () => {
  it.each([
    ['tries a version again at the next check when its files could not be fetched for a passing reason', new TransientError('cannot reach the tracking server'), 2],
    ['does not try a version again when it failed for a reason that would repeat', new Error('the model folder cannot be run'), 1],
  ])('%s', async (_, firstFailure, expectedLoads) => {
    await aviary.registry.setAlias('snia', 'champion', '1');
    const module = moduleOnVersion1();
    const logger = recordingLogger();
    let loads = 0;
    const follower = new AliasFollower(module, {
      registry: { resolveModelUri: (uri) => aviary.registry.resolveModelUri(uri) },
      intervalMs: 0,
      logger,
      load: (uri) => (++loads === 1 ? Promise.reject(new ModelLoadError(uri, 'fetch', firstFailure)) : PreprocessedModel.load(uri, { aviary, builder: noEnvironments })),
    });
    try {
      await aviary.registry.setAlias('snia', 'champion', '2');
      for (let check = 0; check < 3; check++) {
        await follower.poll();
        await follower.settled();
      }
      expect(loads).toBe(expectedLoads);
      expect(module.version).toBe(expectedLoads === 2 ? '2' : '1');
      const failure = logger.lines.find((line) => line.includes('could not be loaded'))!;
      expect(failure.endsWith('; trying again at the next check')).toBe(expectedLoads === 2);
    } finally {
      await follower.stop();
      await Promise.all(module.replaced.map((m) => m.close()));
    }
  });

  it('says once that the registry cannot be reached, and once that it can again', async () => {
    const module = moduleOnVersion1();
    const logger = recordingLogger();
    let reachable = false;
    const follower = new AliasFollower(module, {
      registry: {
        resolveModelUri: (uri) => (reachable ? aviary.registry.resolveModelUri(uri) : Promise.reject(new TransientError('cannot reach the tracking server http://127.0.0.1:9'))),
      },
      intervalMs: 0,
      logger,
      load: () => Promise.reject(new Error('not expected')),
    });
    await aviary.registry.setAlias('snia', 'champion', '1');
    for (let check = 0; check < 4; check++) await follower.poll();
    reachable = true;
    for (let check = 0; check < 2; check++) await follower.poll();
    await follower.stop();
    expect(logger.lines).toEqual([
      'snia: cannot check models:/snia@champion: cannot reach the tracking server http://127.0.0.1:9; still scoring with version 1',
      'snia: models:/snia@champion can be checked again',
    ]);
  });
});
