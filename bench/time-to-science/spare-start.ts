/**
 * A new version's workers in an environment already in use, started fresh and from a spare
 * (src/runtime/worker/spare-workers.ts): the runtime's part of a warm swap, measured apart from
 * the broker. The runtime tests' scikit-learn models (src/runtime/testing/make_models.py): the
 * classifier plays the version scoring now, the probability model the new one; each round
 * starts the new one fresh, then again from the spare the first left (MLflow and scikit-learn
 * imported), and stops it. Each start's parts as the worker reported them.
 */
import { silentLogger } from '../../src/common/logger.js';
import { prepareTestModels, type TestModels } from '../../src/runtime/testing/test-models.js';
import { SpareWorkers } from '../../src/runtime/worker/spare-workers.js';
import { WorkerPool } from '../../src/runtime/worker/worker-pool.js';
import type { WorkerStartup } from '../../src/runtime/worker/worker-startup.js';

export interface SpareStarts {
  readonly fresh: WorkerStartup[];
  readonly spare: WorkerStartup[];
}

export async function measureSpareStarts(rounds: number): Promise<SpareStarts> {
  const models: TestModels = await prepareTestModels();
  const spares = new SpareWorkers(silentLogger);
  const start = (model: string, withSpares: boolean) =>
    WorkerPool.start({ name: model, modelDir: `${models.dir}/${model}`, environment: models.environment, logger: silentLogger, ...(withSpares ? { spares } : {}) });
  const current = await start('sklearn-classifier', true);
  const out: SpareStarts = { fresh: [], spare: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const withSpare of [false, true]) {
        if (withSpare) await spares.ready();
        const next = await start('sklearn-proba', withSpare);
        (withSpare ? out.spare : out.fresh).push(next.startups()[0]!);
        await next.close();
      }
    }
  } finally {
    await current.close();
    await spares.close();
  }
  return out;
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Header and two rows: medians of each part, fresh and from a spare. */
export function spareRows(starts: SpareStarts): string[][] {
  const row = (label: string, list: WorkerStartup[]) => [
    label,
    String(list.length),
    s(median(list.map((x) => x.readyMs))),
    s(median(list.map((x) => x.interpreterMs))),
    s(median(list.map((x) => x.importMs))),
    s(median(list.map((x) => x.loadMs))),
  ];
  return [
    ['a new version\'s worker in an environment in use (medians)', 'starts', 'ready s', 'interpreter s', 'import mlflow s', 'model load s'],
    row('started fresh', starts.fresh),
    row('from a spare (MLflow and scikit-learn imported ahead)', starts.spare),
  ];
}
