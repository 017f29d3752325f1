/**
 * Spare workers with real Python workers in the runtime tests' environment: a pool leaves a
 * spare behind (MLflow and what its model imported, no model); the next pool in the environment adopts it, so its
 * worker's start is the model's load alone, predicts as a fresh worker does, and leaves a new
 * spare; close() stops the spares not adopted. An environment just built, with no spare, gets
 * what the last model imported compiled before its first worker starts.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../common/logger.js';
import { defaultCacheRoot } from '../environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../environments/uv-environment-builder.js';
import { isRunning, until } from '../testing/processes.js';
import { featureBatch, prepareTestModels, type TestModels } from '../testing/test-models.js';
import { SpareWorkers } from './spare-workers.js';
import { WorkerPool } from './worker-pool.js';

const lines: string[] = [];
const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
let models: TestModels;
let spares: SpareWorkers;
const pools: WorkerPool[] = [];

async function pool(name: string, model: string): Promise<WorkerPool> {
  const started = await WorkerPool.start({ name, modelDir: `${models.dir}/${model}`, environment: models.environment, logger, spares });
  pools.push(started);
  return started;
}
const pidOf = (p: WorkerPool) => p.workers()[0]!.pid!;

beforeAll(async () => {
  models = await prepareTestModels();
  spares = new SpareWorkers(logger);
}, 600_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await spares?.close();
});

describe('SpareWorkers', () => {
  it('keeps a spare once a pool has started; the next pool in the environment starts from it', { timeout: 180_000 }, async () => {
    const first = await pool('v1', 'sklearn-classifier');
    const [spare] = await spares.ready();
    expect(spare).toBeDefined();
    expect(spare).not.toBe(pidOf(first));

    const second = await pool('v2', 'sklearn-proba');
    expect(pidOf(second), lines.join("\n")).toBe(spare);
    const startup = second.startups()[0]!;
    // MLflow was imported before the model was known, and scikit-learn with what else the first
    // model imported: what is left is reading the model itself.
    expect(startup.importMs).toBeLessThan(50);
    expect(startup.loadMs).toBeLessThan(first.startups()[0]!.loadMs / 2);
    expect(lines.some((l) => l.startsWith(`[v2] worker pid ${spare} ready in `) && l.includes('(a spare: '))).toBe(true);
    const answer = await second.predict(featureBatch(models.expected, 1000));
    const proba1 = Array.from(answer.data[1]! as Float64Array);
    proba1.forEach((p, i) => expect(Math.abs(p - models.expected.proba[i]![1]!)).toBeLessThan(1e-12));

    // Adopted, the spare is replaced by a new one, also ready.
    const [next] = await spares.ready();
    expect(next).toBeDefined();
    expect([pidOf(first), pidOf(second)]).not.toContain(next);
  });

  it('stops a spare that cannot load the model it is given, and removes its folder', { timeout: 120_000 }, async () => {
    const [spare] = await spares.ready();
    const spareDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`aviary-spare-${process.pid}-`));
    const before = spareDirs(); // the spare's, and the one adopted by v2 (kept while its worker runs)
    const empty = await mkdtemp(join(tmpdir(), 'aviary-spare-test-empty-'));
    try {
      const error = await spares.adopt({ name: 'broken', modelDir: empty, environment: models.environment, startupTimeoutMs: 60_000, logger }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/could not load/);
      await until(() => !isRunning(spare!), 10_000);
      await until(() => spareDirs().length === before.length - 1, 10_000);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    // The next pool in the environment starts the usual way, and leaves a spare again.
    const third = await pool('v3', 'sklearn-classifier');
    expect(third.workers()[0]!.state).toBe('idle');
    expect(await spares.ready()).toHaveLength(1);
  });

  it('stops the spares not adopted when closed', { timeout: 60_000 }, async () => {
    const pids = await spares.ready();
    expect(pids.length).toBeGreaterThan(0);
    await spares.close();
    await until(() => pids.every((pid) => !isRunning(pid)), 10_000);
    // The pools' own workers go on.
    for (const p of pools) expect(isRunning(pidOf(p))).toBe(true);
  });
});

describe('SpareWorkers in an environment just built', () => {
  it('compiles ahead the bytecode of what the last model imported, before the first worker', { timeout: 300_000 }, async () => {
    const cacheRoot = await mkdtemp(join(tmpdir(), 'aviary-spare-test-'));
    const own = new SpareWorkers(logger);
    try {
      const fresh = await new UvEnvironmentBuilder({ cacheRoot, toolsRoot: defaultCacheRoot() }).build({ python: models.environment.pythonVersion ?? '3.11', requirements: ['six==1.16.0'] });
      const compiled = async () => (await promisify(execFile)(fresh.python, ['-B', '-c', 'import six, importlib.util, os; print(os.path.exists(importlib.util.cache_from_source(six.__file__)))'])).stdout.trim();
      expect(await compiled()).toBe('False');
      // A model in the tests' environment imported six (among others): the new environment's first worker will too.
      own.prepare({ environment: models.environment, startupTimeoutMs: 60_000, logger }, ['six', 'no_such_module']);
      expect(await own.adopt({ name: 'first', modelDir: `${models.dir}/sklearn-classifier`, environment: fresh, startupTimeoutMs: 60_000, logger })).toBeUndefined();
      expect(await compiled()).toBe('True');
    } finally {
      await own.close();
      await rm(cacheRoot, { recursive: true, force: true });
    }
  });
});
