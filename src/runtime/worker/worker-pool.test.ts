import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../common/logger.js';
import type { Batch } from '../model-runtime.js';
import { describeModelRuntimeContract } from '../testing/model-runtime-contract.js';
import { isRunning as alive, until } from '../testing/processes.js';
import { featureBatch, prepareTestModels, type TestModels } from '../testing/test-models.js';
import { WorkerError } from './worker-errors.js';
import { WorkerPool } from './worker-pool.js';

// Real Python workers: each start imports MLflow (seconds), so pools are shared by the tests
// below, which run in order, and timeouts are generous. The pool's scheduling, retries and
// backoff are covered faster, with a stand-in worker, in worker-pool-logic.test.ts.
const lines: string[] = [];
const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
let models: TestModels;
let classifier: WorkerPool;
let misbehaving: WorkerPool;
const seenPids = new Set<number>();

const rowsOf = (x: number[], mode: string[]): Batch => ({ columns: ['x', 'mode'], data: [Float64Array.from(x), mode], rows: x.length });
/** The host's pids of the processes in process group `pgid`. */
function processGroup(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
      } catch {
        return false;
      }
    })
    .map(Number);
}
const pidsOf = (pool: WorkerPool) => pool.workers().flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
async function failure(promise: Promise<unknown>): Promise<WorkerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkerError);
  return error as WorkerError;
}

beforeAll(async () => {
  models = await prepareTestModels();
  const common = { environment: models.environment, logger };
  [classifier, misbehaving] = await Promise.all([
    WorkerPool.start({ ...common, name: 'classifier', modelDir: `${models.dir}/sklearn-classifier`, workers: 2 }),
    WorkerPool.start({
      ...common,
      name: 'misbehaving',
      modelDir: `${models.dir}/misbehaving`,
      timeoutMs: 4000,
      memoryLimitMb: 3072,
      shutdownGraceMs: 1000,
      restartBackoffMs: { initial: 100, max: 1000 },
    }),
  ]);
  for (const pool of [classifier, misbehaving]) pidsOf(pool).forEach((pid) => seenPids.add(pid));
}, 600_000);

afterAll(async () => {
  await Promise.all([classifier?.close(), misbehaving?.close()]);
});

describe('WorkerPool', () => {
  it.each([1, 100, 1000])('predicts what the model predicted in Python, %i rows at once', async (rows) => {
    const answer = await classifier.predict(featureBatch(models.expected, rows));
    expect(answer.names).toEqual(['prediction']);
    expect(Array.from(answer.data[0]!)).toEqual(models.expected.labels.slice(0, rows));
  });

  it('splits a batch larger than batchSize across workers and joins 2-D outputs as named columns', async () => {
    const proba = await WorkerPool.start({
      name: 'proba',
      modelDir: `${models.dir}/sklearn-proba`,
      environment: models.environment,
      logger,
      workers: 1,
      batchSize: 64,
    });
    try {
      const answer = await proba.predict(featureBatch(models.expected, 1000));
      expect(answer.names).toEqual(['prediction_0', 'prediction_1']);
      for (const k of [0, 1]) {
        const got = answer.data[k] as Float64Array;
        expect(got).toBeInstanceOf(Float64Array);
        got.forEach((p, i) => expect(Math.abs(p - models.expected.proba[i]![k]!)).toBeLessThan(1e-12));
      }
    } finally {
      await proba.close();
    }
  }, 120_000);

  it('returns numeric and string outputs, and sends what the model prints to the log, not the protocol', async () => {
    const answer = await misbehaving.predict(rowsOf([1, 2, 3], ['ok', 'print', 'ok']));
    expect(answer.names).toEqual(['y', 'word']);
    expect(Array.from(answer.data[0]!)).toEqual([2, 4, 6]);
    expect(answer.data[1]).toEqual(['odd', 'even', 'odd']);
    await until(() => lines.some((l) => l === '[misbehaving] bytes on fd 1'), 5000);
    expect(lines).toContain('[misbehaving] hello from predict');
  });

  it('reports an exception raised by the model and keeps serving', async () => {
    const error = await failure(misbehaving.predict(rowsOf([5, 6], ['ok', 'raise'])));
    expect(error.kind).toBe('model-error');
    expect(error.message).toContain('model "misbehaving": predict raised ValueError: bad row with x=6.0');
    expect(error.details.traceback).toContain('ValueError');
    const answer = await misbehaving.predict(rowsOf([7], ['ok']));
    expect(Array.from(answer.data[0]!)).toEqual([14]);
  });

  it('reports running out of the memory limit as such, and keeps serving', async () => {
    const error = await failure(misbehaving.predict(rowsOf([4], ['oom'])));
    expect(error.kind).toBe('out-of-memory');
    expect(error.message).toContain('ran out of memory (memory limit 3072 MB): MemoryError');
    expect(Array.from((await misbehaving.predict(rowsOf([1], ['ok']))).data[0]!)).toEqual([2]);
  });

  it('times a hanging batch out, kills and restarts its worker, while another pool keeps serving', async () => {
    const before = pidsOf(misbehaving);
    const hang = failure(misbehaving.predict(rowsOf([60], ['sleep'])));
    const meanwhile = await classifier.predict(featureBatch(models.expected, 10));
    expect(Array.from(meanwhile.data[0]!)).toEqual(models.expected.labels.slice(0, 10));
    const error = await hang;
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/^model "misbehaving": a batch of 1 rows timed out after 4000 ms; the worker \(pid \d+\) was killed/);
    expect(Array.from((await misbehaving.predict(rowsOf([2], ['ok']))).data[0]!)).toEqual([4]);
    expect(before.every((pid) => !alive(pid))).toBe(true);
    pidsOf(misbehaving).forEach((pid) => seenPids.add(pid));
  }, 120_000);

  it('retries a batch once when its worker is killed with SIGKILL mid-batch, and answers correctly', async () => {
    const marker = lines.length;
    const answer = misbehaving.predict(rowsOf([1, 2, 3], ['sleep', 'ok', 'ok']));
    await until(() => lines.slice(marker).includes('[misbehaving] sleeping 1.0s'), 10_000);
    const [pid] = pidsOf(misbehaving);
    process.kill(pid!, 'SIGKILL');
    const result = await answer;
    expect(Array.from(result.data[0]!)).toEqual([2, 4, 6]);
    expect(lines.slice(marker).some((l) => l.includes('was killed by SIGKILL') && l.includes('retrying the batch once'))).toBe(true);
    expect(misbehaving.workers()[0]!.restarts).toBeGreaterThanOrEqual(2);
    pidsOf(misbehaving).forEach((p) => seenPids.add(p));
  }, 120_000);

  it('measures latency through the pool (1 and 1000 rows) against a plain Python loop', async () => {
    const timeIt = async (rows: number, runs: number) => {
      const batch = featureBatch(models.expected, rows);
      await classifier.predict(batch);
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) await classifier.predict(batch);
      return (performance.now() - t0) / runs;
    };
    const pool1 = await timeIt(1, 100);
    const pool1000 = await timeIt(1000, 30);
    console.log(
      `latency per batch: pool 1 row ${pool1.toFixed(2)} ms, 1000 rows ${pool1000.toFixed(2)} ms; ` +
        `python loop 1 row ${models.timings.rows_1_ms.toFixed(2)} ms, 1000 rows ${models.timings.rows_1000_ms.toFixed(2)} ms`,
    );
    expect(pool1).toBeLessThan(1000);
  }, 120_000);

  it('closes cleanly: running batches fail with a clear error and no process is left behind', async () => {
    const marker = lines.length;
    await misbehaving.predict(rowsOf([1], ['spawn']));
    expect(lines.slice(marker).some((l) => /spawned child pid \d+/.test(l))).toBe(true);
    // The pid it logs is its own pid namespace's (the sandbox's): the host's are its process group.
    const group = processGroup(pidsOf(misbehaving)[0]!);
    expect(group.length).toBeGreaterThanOrEqual(3); // the sandbox's processes, the worker and its child
    const running = failure(misbehaving.predict(rowsOf([60], ['sleep'])));
    await until(() => lines.slice(marker).includes('[misbehaving] sleeping 60.0s'), 10_000);
    for (const pool of [classifier, misbehaving]) pidsOf(pool).forEach((pid) => seenPids.add(pid));
    await Promise.all([classifier.close(), misbehaving.close()]);
    const error = await running;
    expect(error.kind).toBe('closed');
    expect(error.message).toContain('model "misbehaving": the runtime was closed');
    await until(() => group.every((pid) => !alive(pid)) && [...seenPids].every((pid) => !alive(pid)), 5000);
    await expect(classifier.predict(featureBatch(models.expected, 1))).rejects.toThrow(/closed/);
  }, 60_000);
});

describeModelRuntimeContract({
  kind: 'python-worker',
  labelColumn: 'prediction',
  open: (m) => WorkerPool.start({ name: 'contract', modelDir: `${m.dir}/sklearn-classifier`, environment: m.environment, batchSize: 300 }),
});
