import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalArtifactRepository } from '../artifacts/local-artifact-repository.js';
import { MlflowError } from '../common/mlflow-error.js';
import type { ModelVersion } from '../registry/entities.js';
import { fetchModel, isModelUri, type ModelStore } from './model-source.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aviary-source-test-'));
  dirs.push(dir);
  return dir;
}

/** A registry that knows models:/snia@champion (version 3, files under 1/run/artifacts/model) and models:/empty/1. */
async function store(): Promise<ModelStore> {
  const artifacts = new LocalArtifactRepository(await tempDir());
  await artifacts.write('1/run/artifacts/model/MLmodel', Readable.from(['flavors: {}\n']));
  await artifacts.write('1/run/artifacts/model/sub/weights.bin', Readable.from(['w']));
  const version = { name: 'snia', version: '3' } as ModelVersion;
  const known: Record<string, { artifactUri: string; version?: ModelVersion }> = {
    'models:/snia@champion': { artifactUri: 'mlflow-artifacts:/1/run/artifacts/model', version },
    'models:/empty/1': { artifactUri: 'mlflow-artifacts:/1/run/artifacts/nothing' },
  };
  return {
    artifacts,
    registry: {
      resolveModelUri: async (uri) => {
        const hit = known[uri];
        if (!hit) throw MlflowError.notFound(`no model for ${uri}`);
        return hit;
      },
    },
  };
}

describe('fetchModel', () => {
  it('tells model URIs from folders', () => {
    expect(isModelUri('models:/snia@champion')).toBe(true);
    expect(isModelUri('runs:/abc/model')).toBe(true);
    expect(isModelUri('mlflow-artifacts:/1/abc')).toBe(true);
    expect(isModelUri('./snia')).toBe(false);
    expect(isModelUri('/models/snia')).toBe(false);
    expect(isModelUri('file:///models/snia')).toBe(false);
  });

  it('downloads a URI into a temporary folder that dispose() removes', async () => {
    const model = await fetchModel('models:/snia@champion', await store());
    expect(model).toMatchObject({ uri: 'models:/snia@champion', artifactUri: 'mlflow-artifacts:/1/run/artifacts/model', files: 2, version: { name: 'snia', version: '3' } });
    expect(await readFile(join(model.dir, 'MLmodel'), 'utf8')).toBe('flavors: {}\n');
    expect(await readFile(join(model.dir, 'sub', 'weights.bin'), 'utf8')).toBe('w');
    await model.dispose();
    expect(await stat(model.dir).catch(() => undefined)).toBeUndefined();
  });

  it('downloads into a given folder, which dispose() keeps', async () => {
    const into = join(await tempDir(), 'snia');
    const model = await fetchModel('models:/snia@champion', await store(), { into });
    await model.dispose();
    expect(model.dir).toBe(into);
    expect((await stat(join(into, 'MLmodel'))).isFile()).toBe(true);
  });

  it('uses a local folder (a path or a file: URI) as it is, without the registry', async () => {
    const dir = await tempDir();
    for (const given of [dir, pathToFileURL(dir).href]) {
      const model = await fetchModel(given, undefined);
      expect(model).toMatchObject({ dir, uri: dir, files: 0 });
      await model.dispose();
      expect((await stat(dir)).isDirectory()).toBe(true);
    }
  });

  it('refuses a URI naming no files, a URI the registry does not know, and a missing folder', async () => {
    const registry = await store();
    await expect(fetchModel('models:/empty/1', registry)).rejects.toThrow('models:/empty/1 resolves to mlflow-artifacts:/1/run/artifacts/nothing, which holds no files');
    await expect(fetchModel('models:/nope/1', registry)).rejects.toThrow('no model for models:/nope/1');
    await expect(fetchModel('./no-such-model-folder', undefined)).rejects.toThrow(/neither a model folder nor a model URI/);
    await expect(fetchModel('models:/snia@champion', undefined)).rejects.toThrow(/needs the registry/);
  });
});
