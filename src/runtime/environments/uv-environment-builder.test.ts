/**
 * Real builds of a tiny spec (Python 3.11 + six). Each test gets its own cache root, while uv and
 * its wheel cache come from the default cache root (bootstrapped from PyPI on a fresh machine),
 * so a warm run takes a second or two per build.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildProgress } from '../environment-builder.js';
import { defaultCacheRoot, MARKER_FILE } from './cache-layout.js';
import { PythonNotFoundError } from './python-locator.js';
import { EnvironmentBuildError, UvEnvironmentBuilder, type UvEnvironmentBuilderOptions } from './uv-environment-builder.js';

const run = promisify(execFile);
const [hostVersion, hostExecutable] = execFileSync('python3', ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3], sys.executable)'], { encoding: 'utf8' }).trim().split(' ');
const minor = hostVersion!.split('.').slice(0, 2).join('.');
const SIX = { python: hostVersion!, requirements: ['six==1.16.0'] };
const SLOW = 300_000; // a fresh machine installs uv from PyPI first

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((d) => rm(d, { recursive: true, force: true }))));

async function builder(options: UvEnvironmentBuilderOptions = {}): Promise<UvEnvironmentBuilder> {
  const cacheRoot = options.cacheRoot ?? (await mkdtemp(join(tmpdir(), 'aviary-env-test-')));
  if (!roots.includes(cacheRoot)) roots.push(cacheRoot);
  return new UvEnvironmentBuilder({ toolsRoot: defaultCacheRoot(), ...options, cacheRoot });
}

function recorder(): { events: Parameters<BuildProgress>[0][]; progress: BuildProgress } {
  const events: Parameters<BuildProgress>[0][] = [];
  return { events, progress: (e) => events.push(e) };
}

const builds = async (logPath: string) => (await readFile(logPath, 'utf8')).match(/^=== .* building /gm)?.length ?? 0;

describe('UvEnvironmentBuilder', () => {
  it('builds an environment once, then answers from the cache in well under a second', { timeout: SLOW }, async () => {
    const envs = await builder();
    const first = recorder();
    const env = await envs.build(SIX, first.progress);
    expect(first.events.map((e) => e.phase)).toEqual(expect.arrayContaining(['resolving', 'installing', 'done']));
    expect(first.events.at(-1)!.elapsedMs).toBeGreaterThan(0);
    expect(env.pythonVersion?.startsWith(`${minor}.`)).toBe(true);
    expect(env.dir).toBe(join(envs.layout.envs, env.hash));
    const { stdout } = await run(env.python, ['-c', 'import six, sys; print(six.__version__, sys.prefix)']);
    expect(stdout.trim()).toBe(`1.16.0 ${env.dir}`);
    const marker = JSON.parse(await readFile(join(env.dir, MARKER_FILE), 'utf8'));
    expect(marker).toMatchObject({ hash: env.hash, spec: { python: minor, requirements: ['six==1.16.0'] }, python: { version: env.pythonVersion } });
    expect(marker.builder).toMatch(/^(uv 0\.13\.9|venv\+pip)$/);

    const second = recorder();
    const started = performance.now();
    const again = await envs.build({ python: `${minor}.0`, requirements: ['six == 1.16.0  # same spec'] }, second.progress);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(again).toEqual(env);
    expect(second.events.map((e) => e.phase)).toEqual(['cached']);
    expect(await builds(envs.layout.logFile(env.hash))).toBe(1);
  });

  it('runs one install for concurrent builds, in one process and across builders sharing the cache', { timeout: SLOW }, async () => {
    const a = await builder();
    const b = await builder({ cacheRoot: a.layout.root }); // its own promise map and its own flock: another process in all but name
    const events = [recorder(), recorder(), recorder()];
    const results = await Promise.all([a.build(SIX, events[0]!.progress), a.build(SIX, events[1]!.progress), b.build(SIX, events[2]!.progress)]);
    expect(new Set(results.map((r) => r.dir)).size).toBe(1);
    // Whichever takes the lock first builds; every other call ends with the environment it built.
    expect(await builds(a.layout.logFile(results[0]!.hash))).toBe(1);
    const endings = events.map((r) => r.events.filter((e) => e.phase === 'done' || e.phase === 'cached').map((e) => e.phase));
    for (const ending of endings) expect(ending).toHaveLength(1);
    expect(endings.flat()).toContain('cached');
  });

  it('fails an impossible requirement with the log tail and its path, leaving no environment folder', { timeout: SLOW }, async () => {
    const envs = await builder();
    const { events, progress } = recorder();
    const err = await envs.build({ python: hostVersion!, requirements: ['this-package-does-not-exist-aviary==1.0'] }, progress).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentBuildError);
    const { message, logPath } = err as EnvironmentBuildError;
    expect(message).toContain(`Last lines of ${logPath}:`);
    expect(message).toContain('this-package-does-not-exist-aviary');
    expect(message.split('\n').length).toBeLessThanOrEqual(32);
    expect(await readFile(logPath, 'utf8')).toContain('=== failed');
    expect(await readdir(envs.layout.envs)).toEqual([]);
    expect(events.at(-1)?.phase).toBe('failed');
  });

  it('names the Python version needed and the versions found when the machine lacks it', { timeout: SLOW }, async () => {
    // Only the host's python3 is visible, so the test does not depend on what else is installed.
    const bin = await mkdtemp(join(tmpdir(), 'aviary-env-test-bin-'));
    roots.push(bin);
    await symlink(hostExecutable!, join(bin, 'python3'));
    const envs = await builder({ pythonSearch: { pyenvRoot: null, path: bin, uv: false } });
    const err = await envs.build({ python: '3.7', requirements: ['six==1.16.0'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PythonNotFoundError);
    const { message } = err as PythonNotFoundError;
    expect(message).toContain('needs Python 3.7');
    expect(message).toContain(`Python versions found: ${hostVersion}`);
    expect(message).toMatch(/pyenv install 3\.7/);
    expect(await readdir(envs.layout.envs)).toEqual([]);
  });

  it('does not take an interrupted build for a finished one, and clears its leftovers', { timeout: SLOW }, async () => {
    const envs = await builder();
    const first = await envs.build(SIX);
    await rm(join(first.dir, MARKER_FILE)); // as if killed just before the marker was written
    await mkdir(join(envs.layout.envs, `.tmp-${first.hash}-1-dead`));
    const { events, progress } = recorder();
    const rebuilt = await envs.build(SIX, progress);
    expect(events.map((e) => e.phase)).toContain('installing');
    expect(await readdir(envs.layout.envs)).toEqual([rebuilt.hash]);
  });

  it('falls back to venv + pip without uv', { timeout: SLOW }, async () => {
    const envs = await builder({ useUv: false });
    const env = await envs.build(SIX);
    const marker = JSON.parse(await readFile(join(env.dir, MARKER_FILE), 'utf8'));
    expect(marker.builder).toBe('venv+pip');
    const { stdout } = await run(env.python, ['-c', 'import six; print(six.__version__)']);
    expect(stdout.trim()).toBe('1.16.0');
  });
});
