import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockFile, tryLockFile } from './file-lock.js';

describe('file lock (flock)', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('excludes a second holder until released, then lets a waiter in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aviary-lock-test-'));
    dirs.push(dir);
    const path = join(dir, 'x.lock');
    const first = await lockFile(path);
    expect(await tryLockFile(path)).toBeUndefined();
    let waited = false;
    const second = lockFile(path, () => (waited = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(waited).toBe(true);
    await first.release();
    const held = await second;
    expect(await tryLockFile(path)).toBeUndefined();
    await held.release();
    const third = await tryLockFile(path);
    expect(third).toBeDefined();
    await third!.release();
    await third!.release(); // releasing twice is harmless
  });
});
