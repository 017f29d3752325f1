/**
 * `aviary env build | list | prune`, parsed and run in-process with stdout, stderr and the exit
 * status captured (a child process per command would cost a second or two of start-up each).
 * The cache root is temporary, but its python/ folder (uv and its wheel cache) links to the
 * default cache's, so uv is not installed again for each run.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheRoot } from '../../runtime/environments/cache-layout.js';
import { modelFolder, removeModelFolders, SKLEARN_MLMODEL } from '../../runtime/model-format/model-test-fixtures.js';
import { envCommand, parseAge } from './env-command.js';
import { runInProcess } from '../testing/run-in-process.js';

const hostVersion = execFileSync('python3', ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' }).trim();

const aviary = (...args: string[]) => runInProcess(envCommand, args);

describe('aviary env', () => {
  let cache: string;
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), 'aviary-env-cli-test-'));
    await mkdir(join(defaultCacheRoot(), 'python'), { recursive: true });
    await symlink(join(defaultCacheRoot(), 'python'), join(cache, 'python'));
  });
  afterAll(async () => {
    await rm(cache, { recursive: true, force: true });
    await removeModelFolders();
  });

  it('builds a model folder, then finds it cached; lists it; prunes it', { timeout: 300_000 }, async () => {
    const model = await modelFolder({
      MLmodel: SKLEARN_MLMODEL,
      'python_env.yaml': `python: ${hostVersion}\nbuild_dependencies: []\ndependencies:\n- -r requirements.txt\n`,
      'requirements.txt': 'six==1.16.0',
    });
    const first = await aviary('build', model, '--cache-dir', cache);
    expect(first.stderr).toMatch(/installing: installing 1 requirements/);
    expect(first.code).toBe(0);
    const dir = first.stdout.trim();
    expect(dir).toMatch(new RegExp(`^${cache}/envs/[0-9a-f]{16}$`));
    const second = await aviary('build', model, '--cache-dir', cache);
    expect(second).toMatchObject({ code: 0, stdout: `${dir}\n` });
    expect(second.stderr).toMatch(/cached: environment [0-9a-f]{16}/);

    const list = await aviary('list', '--cache-dir', cache);
    const hash = dir.split('/').pop()!;
    expect(list.stdout).toMatch(/^HASH +PYTHON +SIZE +CREATED +LAST USED +BUILDER +PACKAGES\n/);
    expect(list.stdout).toContain(`${hash}  ${hostVersion}`);
    expect(list.stdout).toContain('six==1.16.0');

    const young = await aviary('prune', '--cache-dir', cache);
    expect(young.stdout).toBe('');
    expect(young.stderr).toContain('0 environments removed');
    const dry = await aviary('prune', '--all', '--dry-run', '--cache-dir', cache);
    expect(dry.stdout).toMatch(new RegExp(`^would remove ${hash} \\(Python ${hostVersion}, last used .*\\)\\n$`));
    const pruned = await aviary('prune', '--all', '--cache-dir', cache);
    expect(pruned.stdout).toMatch(new RegExp(`^removed ${hash} `));
    expect(pruned.stderr).toMatch(/1 environment removed, .* freed/);
    expect((await aviary('list', '--cache-dir', cache)).stderr).toContain('no environments in');
  });

  it('needs no environment for an ONNX-only model, and explains a folder that is not a model', async () => {
    const onnx = await modelFolder({ MLmodel: 'flavors:\n  onnx:\n    data: model.onnx\n' });
    const built = await aviary('build', onnx, '--cache-dir', cache);
    expect(built).toMatchObject({ code: 0, stdout: '' });
    expect(built.stderr).toContain('needs no Python environment');
    const empty = await modelFolder({});
    const refused = await aviary('build', empty, '--cache-dir', cache);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`aviary: ${join(empty, 'MLmodel')}: not found: the folder holds no MLflow model (an MLmodel file is expected)\n`);
  });

  it('resolves a model URI through the registry, failing clearly when it names nothing', async () => {
    const data = join(cache, 'data');
    const result = await aviary('build', 'models:/nope@champion', '--data-dir', data, '--cache-dir', cache);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/aviary: .*nope.*\(RESOURCE_DOES_NOT_EXIST\)\n$/);
  });

  it('reads ages for --older-than', () => {
    expect(parseAge('30d')).toBe(30 * 86_400_000);
    expect(parseAge('12h')).toBe(12 * 3_600_000);
    expect(parseAge('2w')).toBe(14 * 86_400_000);
    expect(parseAge('7')).toBe(7 * 86_400_000);
    expect(() => parseAge('soon')).toThrow(/not an age/);
  });
});
