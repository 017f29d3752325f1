/**
 * `aviary models download <uri> <dir>`: the real command (src/cli/main.ts, run by node with tsx,
 * so no build is needed) on a data directory filled through the services, with model files
 * written into the artifact repository as the proxied artifact service would write them.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configForDataDir, openAviary } from '../../src/app/open-aviary.js';
import { silentLogger } from '../../src/common/logger.js';

const REPO = resolve(import.meta.dirname, '../..');

type Files = Record<string, Buffer>;

/** Runs the CLI; never throws, so a failing command can be checked. */
function aviary(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO, timeout: 60_000 }, (err, stdout, stderr) =>
      ok({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function readTree(dir: string): Promise<Files> {
  const out: Files = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = join(entry.parentPath, entry.name);
      out[relative(dir, full)] = await readFile(full);
    }
  }
  return out;
}

/** A model directory: an MLmodel file, an environment file in a folder, and binary weights. */
function modelFiles(label: string): Files {
  return {
    MLmodel: Buffer.from(`artifact_path: model\nflavors:\n  sklearn:\n    label: ${label}\n`),
    'model.pkl': randomBytes(70_000),
    'env/conda.yaml': Buffer.from(`name: ${label}\ndependencies: [python=3.11]\n`),
  };
}

describe('aviary models download', () => {
  let work: string;
  let dataDir: string;
  let runId: string;
  let modelId: string;
  const runModel = modelFiles('from-run');
  const loggedModel = modelFiles('logged');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'aviary-download-'));
    dataDir = join(work, 'data');
    const app = await openAviary(configForDataDir(dataDir), silentLogger);
    try {
      const exp = await app.tracking.createExperiment('download', undefined, []);
      const run = await app.tracking.createRun({ experimentId: exp, tags: [] });
      runId = run.info.run_id;
      const logged = await app.tracking.createLoggedModel({ experimentId: exp, name: 'clf', sourceRunId: runId, params: [], tags: [] });
      modelId = logged.info.model_id;
      // Where the proxied artifact service keeps them: mlflow-artifacts:/<path> is <path> in the repository.
      const put = async (root: string, files: Files) => {
        for (const [path, body] of Object.entries(files)) await app.artifacts.write(`${root}/${path}`, Readable.from([body]));
      };
      await put(`${exp}/${runId}/artifacts/model`, runModel);
      await put(`${exp}/models/${modelId}/artifacts`, loggedModel);
      expect(logged.info.artifact_uri).toBe(`mlflow-artifacts:/${exp}/models/${modelId}/artifacts`);

      await app.registry.createRegisteredModel('snia', { tags: [] });
      const v1 = await app.registry.createModelVersion({ name: 'snia', source: `runs:/${runId}/model`, runId, tags: [] });
      const v2 = await app.registry.createModelVersion({ name: 'snia', source: `models:/${modelId}`, modelId, tags: [] });
      expect([v1.version, v2.version]).toEqual(['1', '2']);
      await app.registry.setAlias('snia', 'champion', '1');
    } finally {
      await app.close();
    }
  }, 60_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  let outputs = 0;
  const download = async (uri: string) => {
    const out = join(work, `out-${++outputs}`);
    const result = await aviary('models', 'download', uri, out, '--data-dir', dataDir);
    return { ...result, out };
  };

  it.each([
    ['models:/snia@champion', 'run', 'snia version 1'],
    ['models:/snia/1', 'run', 'snia version 1'],
    ['models:/snia/latest', 'logged', 'snia version 2'],
    ['models:/snia/2', 'logged', 'snia version 2'],
    ['models:/m-<id>', 'logged', 'models/'],
    ['runs:/<run>/model', 'run', '/artifacts/model'],
  ])('writes %s byte for byte', async (template, which, said) => {
    const uri = template.replace('<id>', modelId.slice(2)).replace('<run>', runId);
    const { code, stdout, stderr, out } = await download(uri);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(said);
    expect(stdout).toContain('(3 files)');
    expect(await readTree(out)).toEqual(which === 'run' ? runModel : loggedModel);
  }, 60_000);

  it('writes one file named by a path inside the model', async () => {
    const { code, out } = await download('models:/snia/1/MLmodel');
    expect(code).toBe(0);
    expect(await readTree(out)).toEqual({ MLmodel: runModel.MLmodel });
  }, 60_000);

  it('follows the alias when it moves', async () => {
    const app = await openAviary(configForDataDir(dataDir), silentLogger);
    try {
      await app.registry.setAlias('snia', 'challenger', '2');
    } finally {
      await app.close();
    }
    const { code, out } = await download('models:/snia@challenger');
    expect(code).toBe(0);
    expect(await readTree(out)).toEqual(loggedModel);
  }, 60_000);

  it.each([
    ['models:/snia@nope', /alias nope not found/i],
    ['models:/nobody@champion', /nobody not found/i],
    ['models:/snia/7', /version=7\) not found/i],
    ['models:/snia/Production', /no versions of model snia in stage Production/i],
    ['runs:/0123456789abcdef0123456789abcdef/model', /run .*not found/i],
    ['not-a-uri', /invalid model uri/i],
  ])('fails clearly on %s', async (uri, message) => {
    const { code, stdout, stderr, out } = await download(uri);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^aviary: /);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1); // one clear line, no stack trace
    await expect(readdir(out)).rejects.toThrow(); // nothing written
  }, 60_000);
});
