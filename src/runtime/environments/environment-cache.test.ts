import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CacheLayout, MARKER_FILE, writeMarker } from './cache-layout.js';
import { listEnvironments, pruneEnvironments } from './environment-cache.js';
import { lockFile } from './file-lock.js';

const DAY = 86_400_000;
const roots: string[] = [];
afterAll(() => Promise.all(roots.map((d) => rm(d, { recursive: true, force: true }))));

/** A finished environment as the builder leaves it (a stub python), last used `daysAgo` days ago. */
async function fakeEnv(layout: CacheLayout, hash: string, daysAgo: number): Promise<void> {
  const dir = layout.envDir(hash);
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'bin', 'python'), '#!/bin/sh\n');
  await writeFile(join(dir, 'lib.bin'), Buffer.alloc(64 * 1024));
  await writeMarker(dir, {
    hash,
    spec: { python: '3.11', requirements: ['pip', 'numpy==2.4.6', 'six==1.16.0'], constraints: [] },
    python: { version: '3.11.7', executable: '/usr/bin/python3.11' },
    created: new Date(Date.now() - daysAgo * DAY).toISOString(),
    builder: 'uv 0.13.9',
    buildSeconds: 1.2,
  });
  await writeFile(layout.logFile(hash), 'log\n');
  const used = new Date(Date.now() - daysAgo * DAY);
  await utimes(join(dir, MARKER_FILE), used, used);
}

describe('environment cache', () => {
  let layout: CacheLayout;
  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), 'aviary-cache-test-'));
    roots.push(root);
    layout = new CacheLayout(root);
    await Promise.all([layout.envs, layout.logs, layout.locks].map((d) => mkdir(d, { recursive: true })));
  });

  it('lists finished environments newest first, interrupted and running builds by state', async () => {
    await fakeEnv(layout, 'aaaaaaaaaaaaaaaa', 40);
    await fakeEnv(layout, 'bbbbbbbbbbbbbbbb', 1);
    await mkdir(join(layout.envs, '.tmp-cccccccccccccccc-1-dead'));
    await mkdir(join(layout.envs, '.tmp-dddddddddddddddd-2-live'));
    const lock = await lockFile(layout.lockFile('dddddddddddddddd'));
    try {
      const envs = await listEnvironments(layout);
      expect(Object.fromEntries(envs.map((e) => [e.hash, e.state]))).toEqual({
        aaaaaaaaaaaaaaaa: 'ready',
        bbbbbbbbbbbbbbbb: 'ready',
        cccccccccccccccc: 'incomplete',
        dddddddddddddddd: 'building',
      });
      expect(envs.slice(0, 2).map((e) => e.hash)).toEqual(['bbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaa']);
      const ready = envs[0]!;
      expect(ready.marker?.python.version).toBe('3.11.7');
      expect(ready.usage.bytes).toBeGreaterThanOrEqual(64 * 1024);
      expect(Date.now() - ready.lastUsed!.getTime()).toBeGreaterThan(DAY - 60_000);
    } finally {
      await lock.release();
    }
  });

  it('prunes environments unused for longer than the age, and leftovers of interrupted builds', async () => {
    await fakeEnv(layout, 'aaaaaaaaaaaaaaaa', 40);
    await fakeEnv(layout, 'bbbbbbbbbbbbbbbb', 1);
    await mkdir(join(layout.envs, '.tmp-cccccccccccccccc-1-dead'));
    const result = await pruneEnvironments(layout, { olderThanMs: 30 * DAY });
    expect(result.removed.map((e) => e.hash).sort()).toEqual(['aaaaaaaaaaaaaaaa', 'cccccccccccccccc']);
    expect(result.freed).toBeGreaterThanOrEqual(64 * 1024);
    expect(await readdir(layout.envs)).toEqual(['bbbbbbbbbbbbbbbb']);
    expect(await readdir(layout.logs)).toEqual(['bbbbbbbbbbbbbbbb.log']);
  });

  it('removes nothing on a dry run', async () => {
    await fakeEnv(layout, 'aaaaaaaaaaaaaaaa', 40);
    const result = await pruneEnvironments(layout, { all: true, dryRun: true });
    expect(result.removed.map((e) => e.hash)).toEqual(['aaaaaaaaaaaaaaaa']);
    expect(await readdir(layout.envs)).toEqual(['aaaaaaaaaaaaaaaa']);
  });

  it('never removes an environment being built, even with --all', async () => {
    await fakeEnv(layout, 'aaaaaaaaaaaaaaaa', 40);
    await fakeEnv(layout, 'bbbbbbbbbbbbbbbb', 40);
    await mkdir(join(layout.envs, '.tmp-dddddddddddddddd-2-live'));
    const locks = [await lockFile(layout.lockFile('bbbbbbbbbbbbbbbb')), await lockFile(layout.lockFile('dddddddddddddddd'))];
    try {
      const result = await pruneEnvironments(layout, { all: true });
      expect(result.removed.map((e) => e.hash)).toEqual(['aaaaaaaaaaaaaaaa']);
      expect(result.skipped.map((s) => [s.env.hash, s.reason]).sort()).toEqual([
        ['bbbbbbbbbbbbbbbb', 'being built'],
        ['dddddddddddddddd', 'being built'],
      ]);
      expect((await readdir(layout.envs)).sort()).toEqual(['.tmp-dddddddddddddddd-2-live', 'bbbbbbbbbbbbbbbb']);
    } finally {
      await Promise.all(locks.map((l) => l.release()));
    }
  });
});
