/**
 * A new version's workers in an environment already in use, started fresh and from a spare
 * (src/runtime/worker/spare-workers.ts): the runtime's part of a warm swap, measured apart from
 * the broker. The runtime tests' scikit-learn models (src/runtime/testing/make_models.py): the
 * classifier plays the version scoring now, the probability model the new one; each round
 * starts the new one fresh, then again from the spare the first left (MLflow and scikit-learn
 * imported), and stops it. Each start's parts as the worker reported them. Then the cold case:
 * the new version in an environment just built (the tests' requirements, from uv's cached wheels,
 * in a cache of its own), its pool's start timed whole, fresh and with the bytecode of what the
 * scoring model imported compiled ahead over both cores.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../src/common/logger.js';
import { defaultCacheRoot } from '../../src/runtime/environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../../src/runtime/environments/uv-environment-builder.js';
import { prepareTestModels, type TestModels } from '../../src/runtime/testing/test-models.js';
import { SpareWorkers } from '../../src/runtime/worker/spare-workers.js';
import { WorkerPool } from '../../src/runtime/worker/worker-pool.js';
import type { WorkerStartup } from '../../src/runtime/worker/worker-startup.js';

export interface SpareStarts {
  readonly fresh: WorkerStartup[];
  readonly spare: WorkerStartup[];
  /** Milliseconds from the pool's start to ready, in an environment just built. */
  readonly coldFresh: number[];
  readonly coldCompiled: number[];
}

export async function measureSpareStarts(rounds: number): Promise<SpareStarts> {
  const models: TestModels = await prepareTestModels();
  const spares = new SpareWorkers(silentLogger);
  const start = (model: string, withSpares: boolean) =>
    WorkerPool.start({ name: model, modelDir: `${models.dir}/${model}`, environment: models.environment, logger: silentLogger, ...(withSpares ? { spares } : {}) });
  const current = await start('sklearn-classifier', true);
  const out: SpareStarts = { fresh: [], spare: [], coldFresh: [], coldCompiled: [] };
  const requirements = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../src/runtime/testing/requirements.txt'), 'utf8').split('\n');
  try {
    for (let round = 0; round < rounds; round++) {
      for (const withSpare of [false, true]) {
        if (withSpare) await spares.ready();
        const next = await start('sklearn-proba', withSpare);
        (withSpare ? out.spare : out.fresh).push(next.startups()[0]!);
        await next.close();
      }
      for (const compiled of [false, true]) {
        const cacheRoot = mkdtempSync(join(defaultCacheRoot(), 'bench-cold-'));
        try {
          const environment = await new UvEnvironmentBuilder({ cacheRoot, toolsRoot: defaultCacheRoot() }).build({ python: models.environment.pythonVersion ?? '3.11', requirements });
          const began = performance.now();
          const next = await WorkerPool.start({ name: 'cold', modelDir: `${models.dir}/sklearn-proba`, environment, logger: silentLogger, ...(compiled ? { spares } : {}) });
          (compiled ? out.coldCompiled : out.coldFresh).push(performance.now() - began);
          await next.close();
          // A sandboxed worker's first start leaves its imports to compile behind it: not during the next measure.
          await compilesDone();
        } finally {
          rmSync(cacheRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
        }
      }
    }
  } finally {
    await current.close();
    await spares.close();
  }
  return out;
}

/** Until no child of this process is compiling bytecode (Sandbox.compileBytecode after a worker's first start). */
async function compilesDone(): Promise<void> {
  const compiling = () =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .some((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          return parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('compileall');
        } catch {
          return false;
        }
      });
  while (compiling()) await sleep(250);
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

/** Header and two rows: a pool's start in an environment just built, fresh and with bytecode compiled ahead. */
export function coldRows(starts: SpareStarts): string[][] {
  const row = (label: string, list: number[]) => [label, String(list.length), s(median(list)), s(Math.min(...list)), s(Math.max(...list))];
  return [
    ['a new version\'s pool in an environment just built', 'starts', 'median s', 'min s', 'max s'],
    row('started fresh (compiles what it imports)', starts.coldFresh),
    row('bytecode of the last model\'s imports compiled ahead on both cores', starts.coldCompiled),
  ];
}
