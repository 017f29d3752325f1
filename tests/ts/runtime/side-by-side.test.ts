/**
 * Acceptance (issue 4): two models whose environments conflict (scikit-learn 1.5 and 1.7), each
 * trained and registered from its own training environment by the real mlflow client against an
 * Aviary server, then loaded side by side by one process (this one) through models:/...@champion:
 * two worker pools in two environments, each predicting exactly what it predicted when trained.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/common/logger.js';
import { defaultCacheRoot } from '../../../src/runtime/environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../../../src/runtime/environments/uv-environment-builder.js';
import { loadModel, type LoadedModel } from '../../../src/runtime/load-model.js';
import { batchForModel } from '../../../src/runtime/model-input/batch-for-model.js';
import { tableFromRecords } from '../../../src/runtime/model-input/input-table.js';
import { WorkerPool } from '../../../src/runtime/worker/worker-pool.js';
import { python, startServer, train, trainingPython, type TestServer, type Trained } from './training.js';

// A cold machine installs uv, downloads the wheels of four environments and compiles MLflow's imports.
const SLOW = 600_000;
const progress: string[] = [];
const logged: string[] = [];
const logger: Logger = { info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) };
let server: TestServer;
let trained: { a: Trained; b: Trained };
let models: { a: LoadedModel; b: LoadedModel };
const timings: Record<string, number> = {};

async function timed<T>(label: string, body: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await body();
  } finally {
    timings[label] = Math.round(performance.now() - t0);
  }
}

beforeAll(async () => {
  server = await startServer();
  const [a, b] = await timed('training environments', () => Promise.all([trainingPython('sklearn-1.5.txt'), trainingPython('sklearn-1.7.txt')]));
  trained = await timed('training and registering', async () => {
    const [ta, tb] = await Promise.all([train(a, server, 'a', 'logistic'), train(b, server, 'b', 'forest')]);
    return { a: ta, b: tb };
  });
  const builder = new UvEnvironmentBuilder({ cacheRoot: defaultCacheRoot() });
  const options = { aviary: server.aviary, builder, workers: 2, logger, progress: (line: string) => progress.push(line) };
  models = await timed('loading both models', async () => {
    const [la, lb] = await Promise.all([loadModel('models:/a@champion', options), loadModel('models:/b@champion', options)]);
    return { a: la, b: lb };
  });
}, SLOW);

afterAll(async () => {
  await Promise.all([models?.a.close(), models?.b.close()]);
  await server?.close();
  console.error(`side-by-side timings (ms): ${JSON.stringify(timings)}`);
});

const probabilities = async (model: LoadedModel, rows: Record<string, number>[]) => {
  const answer = await model.runtime.predict(batchForModel(tableFromRecords(rows), model.signature?.inputs));
  expect(answer.names).toEqual(['prediction_0', 'prediction_1']);
  return rows.map((_, r) => [answer.data[0]![r], answer.data[1]![r]]);
};

describe('two models with conflicting environments in one process', () => {
  it('were trained with scikit-learn 1.5 and 1.7', () => {
    expect(trained.a.sklearn).toMatch(/^1\.5\./);
    expect(trained.b.sklearn).toMatch(/^1\.7\./);
  });

  it('run in two worker pools, in two environments holding those scikit-learn versions', async () => {
    for (const model of [models.a, models.b]) {
      expect(model.runtime).toBeInstanceOf(WorkerPool);
      expect(model.flavor).toBe('sklearn');
      expect(model.version?.aliases).toContain('champion');
    }
    expect(models.a.version?.run_id).toBe(trained.a.run_id);
    expect(models.b.version?.run_id).toBe(trained.b.run_id);
    expect(models.a.environment!.hash).not.toBe(models.b.environment!.hash);
    const version = (model: LoadedModel) => python(model.environment!.python, 'import sklearn; print(sklearn.__version__)').then((s) => s.trim());
    expect(await Promise.all([version(models.a), version(models.b)])).toEqual([trained.a.sklearn, trained.b.sklearn]);
    // Each worker says which MLflow model it loaded; none warned of a scikit-learn version mismatch.
    expect(logged.filter((line) => / worker pid \d+ ready in [\d.]+ s: interpreter .*, sklearn model loaded in /.test(line))).toHaveLength(4);
    expect(logged.join('\n')).not.toMatch(/InconsistentVersionWarning/);
  }, 60_000);

  it('each predicts exactly what it predicted at training time, side by side', async () => {
    // Columns in another order than the signature's: the signature orders them.
    const shuffled = (rows: Record<string, number>[]) => rows.map((row) => Object.fromEntries(Object.entries(row).reverse()));
    const [pa, pb] = await Promise.all([probabilities(models.a, shuffled(trained.a.rows)), probabilities(models.b, shuffled(trained.b.rows))]);
    expect(pa).toEqual(trained.a.proba);
    expect(pb).toEqual(trained.b.proba);
  }, 60_000);

  it('answers many concurrent batches on both pools without mixing them up', async () => {
    // Whole test sets only: BLAS rounds a 10-row product differently from a 60-row one, in the last bit.
    const jobs = Array.from({ length: 12 }, (_, i) => {
      const [model, expected] = i % 2 === 0 ? [models.a, trained.a] : [models.b, trained.b];
      return probabilities(model, expected.rows).then((p) => expect(p).toEqual(expected.proba));
    });
    await Promise.all(jobs);
  }, 60_000);

  it('reported what it did while loading', () => {
    expect(progress.some((line) => line.startsWith('a/1: starting 2 workers'))).toBe(true);
    expect(progress.some((line) => line.startsWith('b/1: starting 2 workers'))).toBe(true);
  });
});
