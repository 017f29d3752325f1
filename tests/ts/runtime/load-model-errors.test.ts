/**
 * Acceptance (issue 4): a model whose environment cannot be built fails to load with a clear
 * error carrying the end of the build log, through loadModel and through `aviary models predict`.
 * Builds go to a fresh cache root; uv and its wheel cache come from the default one.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheRoot } from '../../../src/runtime/environments/cache-layout.js';
import { EnvironmentBuildError, UvEnvironmentBuilder } from '../../../src/runtime/environments/uv-environment-builder.js';
import { loadModel, ModelLoadError } from '../../../src/runtime/load-model.js';
import { REPO } from './training.js';

const SLOW = 300_000; // a fresh machine installs uv from PyPI first
const MISSING = 'aviary-no-such-package-7f3e9c';
const hostPython = execFileSync('python3', ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
let work: string;
let modelDir: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-load-errors-'));
  modelDir = join(work, 'model');
  await mkdir(modelDir);
  await writeFile(
    join(modelDir, 'MLmodel'),
    ['artifact_path: model', 'flavors:', '  python_function:', '    loader_module: mlflow.sklearn', `    python_version: ${hostPython}`, '    env:', '      virtualenv: python_env.yaml', ''].join('\n'),
  );
  await writeFile(join(modelDir, 'python_env.yaml'), `python: ${hostPython}\nbuild_dependencies:\n  - pip\ndependencies:\n  - ${MISSING}==1.0.0\n`);
});

afterAll(() => rm(work, { recursive: true, force: true }));

const builder = () => new UvEnvironmentBuilder({ cacheRoot: join(work, `cache-${Math.random().toString(36).slice(2)}`), toolsRoot: defaultCacheRoot() });

describe('a model whose environment cannot be built', () => {
  it('fails to load with the builder\'s error and the tail of the build log', { timeout: SLOW }, async () => {
    const progress: string[] = [];
    const error = await loadModel(modelDir, { builder: builder(), progress: (line) => progress.push(line) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelLoadError);
    const failure = error as ModelLoadError;
    expect(failure.stage).toBe('environment');
    expect(failure.cause).toBeInstanceOf(EnvironmentBuildError);
    expect(failure.message).toContain(`Could not load ${modelDir}: the model's Python environment could not be built`);
    expect(failure.message).toMatch(/Last lines of .*\.log:/);
    expect(failure.message).toContain(MISSING); // the resolver's own words about the package, from the log
    expect(progress.some((line) => line.includes('failed'))).toBe(true);
  });

  it('makes `aviary models predict` exit 1 with the same explanation', { timeout: SLOW }, async () => {
    const input = join(work, 'rows.json');
    await writeFile(input, JSON.stringify([{ x: 1 }]));
    const cacheDir = join(work, 'cli-cache');
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'models', 'predict', modelDir, '--input', input, '--cache-dir', cacheDir],
        { cwd: REPO, timeout: SLOW, env: { ...process.env, AVIARY_CACHE_DIR: defaultCacheRoot() } },
        (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("aviary: Could not load");
    expect(result.stderr).toContain("the model's Python environment could not be built");
    expect(result.stderr).toContain(MISSING);
  });

  it('names the folder when there is no model in it', async () => {
    const error = await loadModel(work, { builder: builder() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).stage).toBe('read');
    expect((error as ModelLoadError).message).toContain('no MLflow model');
  });
});
