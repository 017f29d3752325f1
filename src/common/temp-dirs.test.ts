import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processIsAlive } from './process-is-alive.js';
import { makeTempDir, removeTempDir, removeTempDirs, sweepStaleTempDirs } from './temp-dirs.js';

let root: string;
let sleeper: ChildProcess | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'aviary-temp-dirs-test-'));
});
afterEach(async () => {
  sleeper?.kill('SIGKILL');
  sleeper = undefined;
  await rm(root, { recursive: true, force: true });
});

/** The pid of a process that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((done) => child.once('exit', done));
  return child.pid!;
}

async function livePid(): Promise<number> {
  sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  await new Promise((done) => sleeper!.once('spawn', done));
  return sleeper.pid!;
}

const exists = async (path: string) => (await stat(path).catch(() => undefined)) !== undefined;

describe('temp dirs', () => {
  it('tells a live process from a gone one', async () => {
    expect(processIsAlive(process.pid)).toBe(true);
    expect(processIsAlive(await livePid())).toBe(true);
    expect(processIsAlive(await deadPid())).toBe(false);
    expect(processIsAlive(0)).toBe(false);
  });

  it('sweeps the folders of a gone process, and keeps those of a live one and folders not its own', async () => {
    const dead = await deadPid();
    const live = await livePid();
    const names = [`aviary-model-${dead}-AbC123`, `aviary-preprocessing-${dead}-x9Y8z7`, `aviary-model-${live}-q1w2e3`, `aviary-preprocessing-${process.pid}-r4t5y6`, `aviary-model-test-AbC123`, 'aviary-model-Xy12Zw'];
    for (const name of names) await mkdir(join(root, name, 'sub'), { recursive: true });
    const removed = await sweepStaleTempDirs(root);
    expect(removed.sort()).toEqual([join(root, `aviary-model-${dead}-AbC123`), join(root, `aviary-preprocessing-${dead}-x9Y8z7`)]);
    expect((await readdir(root)).sort()).toEqual(names.slice(2).sort());
  });

  it('names a folder by its owner, sweeps gone owners when the first is made, and removes what is left at exit', async () => {
    const dead = await deadPid();
    const stale = join(root, `aviary-model-${dead}-AbC123`);
    await mkdir(stale);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = root;
    try {
      const model = await makeTempDir('aviary-model');
      const preprocessing = await makeTempDir('aviary-preprocessing');
      expect(model).toMatch(new RegExp(`^${root}/aviary-model-${process.pid}-[A-Za-z0-9]{6}$`));
      expect(preprocessing).toMatch(new RegExp(`^${root}/aviary-preprocessing-${process.pid}-[A-Za-z0-9]{6}$`));
      expect(await exists(stale)).toBe(false);
      await removeTempDir(model);
      expect(await exists(model)).toBe(false);
      await mkdir(join(preprocessing, 'sub'));
      // What the 'exit' hook (or a signal handler) does: the registered folders left go.
      removeTempDirs();
      expect(await readdir(root)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });

  it('removes the folders a process made and did not remove when it exits', async () => {
    const script = `import { makeTempDir } from './src/common/temp-dirs.ts';
const dir = await makeTempDir('aviary-model');
console.log(dir);
process.exitCode = 3;`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, TMPDIR: root },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise((done) => child.once('close', done));
    expect(code).toBe(3);
    expect(out.trim()).toMatch(new RegExp(`^${root}/aviary-model-${child.pid}-[A-Za-z0-9]{6}$`));
    // tsx keeps its cache there too (tsx-<uid>).
    expect((await readdir(root)).filter((name) => name.startsWith('aviary-'))).toEqual([]);
  }, 30_000);
});
