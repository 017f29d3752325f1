// The pool's scheduling, retry, backoff and shutdown, against fake-worker.mjs (starts in
// milliseconds); worker-pool.test.ts runs the same pool with real Python and MLflow.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import type { Batch } from '../model-runtime.js';
import { Sandbox } from '../sandbox/sandbox.js';
import { DEFAULT_SANDBOX_OPTIONS } from '../sandbox/sandbox-options.js';
import { isRunning, until } from '../testing/processes.js';
import { WorkerError } from './worker-errors.js';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool.js';

const fake = fileURLToPath(new URL('../testing/fake-worker.mjs', import.meta.url));
const pools: WorkerPool[] = [];
// The stand-in writes its starts into the model folder, which a sandbox makes read-only: these
// tests are of the pool's logic; confinement is tested in src/runtime/sandbox/ and tests/ts/runtime/.
const unconfined = Sandbox.open({ ...DEFAULT_SANDBOX_OPTIONS, enabled: false });

async function fakePool(options: Partial<WorkerPoolOptions> = {}, setup?: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'aviary-fake-model-'));
  const python = join(dir, 'python');
  writeFileSync(python, `#!/bin/sh\nexec "${process.execPath}" "${fake}"\n`);
  chmodSync(python, 0o755);
  setup?.(dir);
  const pool = await WorkerPool.start({ name: 'fake', modelDir: dir, environment: { python, dir, hash: 'fake' }, logger: silentLogger, sandbox: unconfined, ...options });
  pools.push(pool);
  return { pool, dir };
}

const rowsOf = (x: number[], mode?: string[]): Batch => ({
  columns: ['x', 'mode'],
  data: [Float64Array.from(x), mode ?? x.map(() => 'ok')],
  rows: x.length,
});
const starts = (dir: string) =>
  readFileSync(join(dir, 'starts.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number) as [number, number]);

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

describe('WorkerPool (fake workers)', () => {
  it('splits a batch into slices of batchSize, spreads them over the workers and joins the answers in order', async () => {
    const { pool } = await fakePool({ workers: 2, batchSize: 10 });
    const x = Array.from({ length: 95 }, (_, i) => i);
    const answer = await pool.predict(rowsOf(x));
    expect(answer.names).toEqual(['y', 'pid']);
    expect(Array.from(answer.data[0]!)).toEqual(x.map((v) => 2 * v));
    expect(new Set(answer.data[1]).size).toBe(2);
  });

  it('retries the batch of a worker that died on another worker, once, and restarts the dead one', async () => {
    const { pool, dir } = await fakePool({ workers: 2 });
    const answer = await pool.predict(rowsOf([1, 2, 3], ['exit-once', 'ok', 'ok']));
    expect(Array.from(answer.data[0]!)).toEqual([2, 4, 6]);
    const died = Number(readFileSync(join(dir, 'exit-once.done'), 'utf8'));
    expect(answer.data[1]).not.toContain(died);
    await until(() => pool.workers().every((w) => w.state === 'idle'), 5000);
    expect(pool.workers().map((w) => w.restarts).sort()).toEqual([0, 1]);
    expect(pool.workerRestarts()).toBe(1); // what the broker's metrics export per module
  });

  it('fails a batch that kills its worker twice, naming the exit code, and goes on serving', async () => {
    const { pool } = await fakePool({ workers: 2 });
    const error = await pool.predict(rowsOf([1], ['exit'])).catch((e: WorkerError) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).kind).toBe('crash');
    expect((error as WorkerError).message).toMatch(/^model "fake": the worker \(pid \d+\) exited with code 3 \(batch of 1 rows\)/);
    expect((error as WorkerError).message).toContain('retried once');
    expect(Array.from((await pool.predict(rowsOf([5]))).data[0]!)).toEqual([10]);
  });

  it('restarts a worker that keeps dying with exponential backoff, and recovers', async () => {
    const { pool, dir } = await fakePool({ restartBackoffMs: { initial: 40, max: 200 } }, (d) => writeFileSync(join(d, 'exit-after-ready'), ''));
    await until(() => existsSync(join(dir, 'starts.log')) && starts(dir).length >= 6, 10_000);
    rmSync(join(dir, 'exit-after-ready'));
    const times = starts(dir).map(([, t]) => t);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(40);
    expect(gaps[2]).toBeGreaterThanOrEqual(160);
    expect(gaps[4]).toBeGreaterThanOrEqual(200);
    expect(Math.max(...gaps.slice(0, 5))).toBeLessThan(2000);
    const answer = await pool.predict(rowsOf([21]));
    expect(Array.from(answer.data[0]!)).toEqual([42]);
  });

  it('times out a hanging batch, kills its worker and serves again from a new one', async () => {
    const { pool } = await fakePool({ timeoutMs: 200, restartBackoffMs: { initial: 10, max: 10 } });
    const [before] = pool.workers().map((w) => w.pid!);
    const error = await pool.predict(rowsOf([1], ['hang'])).catch((e: WorkerError) => e);
    expect((error as WorkerError).kind).toBe('timeout');
    expect((error as WorkerError).message).toBe(`model "fake": a batch of 1 rows timed out after 200 ms; the worker (pid ${before}) was killed`);
    expect(Array.from((await pool.predict(rowsOf([4]))).data[0]!)).toEqual([8]);
    expect(isRunning(before!)).toBe(false);
  });

  it('fails running and queued batches when closed, stops its workers, and refuses new batches', async () => {
    const { pool } = await fakePool({ shutdownGraceMs: 100 });
    const [pid] = pool.workers().map((w) => w.pid!);
    const running = pool.predict(rowsOf([1], ['hang'])).catch((e: WorkerError) => e);
    const queued = pool.predict(rowsOf([2])).catch((e: WorkerError) => e);
    await until(() => pool.workers()[0]!.state === 'busy', 1000);
    await pool.close();
    for (const error of [await running, await queued]) {
      expect((error as WorkerError).kind).toBe('closed');
      expect((error as WorkerError).message).toMatch(/^model "fake": the runtime was closed before the batch was scored/);
    }
    expect(isRunning(pid!)).toBe(false);
    await expect(pool.predict(rowsOf([1]))).rejects.toThrow('model "fake": the runtime is closed');
  });

  it('answers an empty batch without asking a worker, and refuses a ragged one', async () => {
    const { pool } = await fakePool();
    expect(await pool.predict({ columns: ['x'], data: [new Float64Array(0)], rows: 0 })).toEqual({ names: [], data: [] });
    await expect(pool.predict({ columns: ['x', 'mode'], data: [Float64Array.from([1, 2]), ['ok']], rows: 2 })).rejects.toThrow(
      'column "mode" has 1 values for 2 rows',
    );
  });
});
