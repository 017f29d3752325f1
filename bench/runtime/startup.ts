/**
 * From a model folder to a ready worker: loadModel on a folder whose environment is cached
 * (total, and the model's own load time from the worker's Ready frame), what the interpreter
 * and `import mlflow.pyfunc` cost before that, and a cold environment build in a fresh cache.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../src/common/logger.js';
import type { EnvironmentBuilder, PythonEnvironment } from '../../src/runtime/environment-builder.js';
import { defaultCacheRoot } from '../../src/runtime/environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../../src/runtime/environments/uv-environment-builder.js';
import { loadModel, type LoadedModel } from '../../src/runtime/load-model.js';
import { readMlModel } from '../../src/runtime/model-format/read-ml-model.js';
import { readModelEnvironment } from '../../src/runtime/model-format/read-model-environment.js';
import { workerEnv } from '../../src/runtime/worker/worker-env.js';
import { median } from './measure.js';

const run = promisify(execFile);

/** One loadModel to a ready worker, ms: the whole call, and mlflow.pyfunc.load_model in the worker (its Ready frame's load_ms, which the pool logs). */
export interface ReadyStart {
  readonly total: number;
  readonly modelLoad: number;
}

export async function timedLoad(modelDir: string, builder: EnvironmentBuilder): Promise<{ loaded: LoadedModel; start: ReadyStart }> {
  let modelLoad = Number.NaN;
  const logger: Logger = { info: (m) => (modelLoad = Number(/model loaded in (\d+) ms/.exec(m)?.[1] ?? modelLoad)), warn() {}, error() {} };
  const t0 = performance.now();
  const loaded = await loadModel(modelDir, { builder, logger });
  return { loaded, start: { total: performance.now() - t0, modelLoad } };
}

export async function readyStarts(modelDir: string, builder: EnvironmentBuilder, count: number): Promise<ReadyStart[]> {
  const starts: ReadyStart[] = [];
  for (let i = 0; i < count; i++) {
    const { loaded, start } = await timedLoad(modelDir, builder);
    await loaded.close();
    starts.push(start);
  }
  return starts;
}

/** builder.build on an already built spec: what loadModel spends finding the environment, ms (median of 5). */
export async function environmentLookup(modelDir: string, builder: EnvironmentBuilder): Promise<number> {
  const spec = (await readModelEnvironment(await readMlModel(modelDir)))!.spec;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await builder.build(spec);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Whether the environment holds compiled bytecode for mlflow (uv installs without it unless asked). */
export function hasBytecode(environment: PythonEnvironment): boolean {
  const minor = (environment.pythonVersion ?? '3.11').split('.').slice(0, 2).join('.');
  return existsSync(join(environment.dir, 'lib', `python${minor}`, 'site-packages', 'mlflow', '__pycache__'));
}

export interface InterpreterCosts {
  /** `python -c pass`, spawn to exit, ms (median). */
  readonly bare: number;
  /** `python -c "import mlflow, mlflow.pyfunc"`, spawn to exit, ms (median; with no plain runs, the -X importtime run's). */
  readonly importMlflow: number;
  /** -X importtime's self time summed per top-level package, largest first, ms (one run, inflated by the tracing). */
  readonly byPackage: [string, number][];
}

export async function interpreterCosts(environment: PythonEnvironment, runs: number): Promise<InterpreterCosts> {
  const env = workerEnv(environment);
  const wall = async (args: string[]) => {
    const t0 = performance.now();
    const { stderr } = await run(environment.python, args, { env, maxBuffer: 1 << 26 });
    return { ms: performance.now() - t0, stderr };
  };
  const importArgs = ['-c', 'import mlflow, mlflow.pyfunc'];
  const bare: number[] = [];
  const imports: number[] = [];
  for (let i = 0; i < Math.max(1, runs); i++) bare.push((await wall(['-c', 'pass'])).ms);
  for (let i = 0; i < runs; i++) imports.push((await wall(importArgs)).ms);
  const traced = await wall(['-X', 'importtime', ...importArgs]);
  const perPackage = new Map<string, number>();
  for (const line of traced.stderr.split('\n')) {
    const m = /^import time:\s+(\d+) \|\s+\d+ \| +(\S+)/.exec(line);
    if (!m) continue;
    const root = m[2]!.split('.')[0]!;
    perPackage.set(root, (perPackage.get(root) ?? 0) + Number(m[1]) / 1000);
  }
  const byPackage = [...perPackage].sort((x, y) => y[1] - x[1]);
  return { bare: median(bare), importMlflow: imports.length ? median(imports) : traced.ms, byPackage };
}

export interface ColdBuild {
  readonly seconds: number;
  /** uv's own summary lines from the build log (Resolved / Prepared / Installed). */
  readonly uvLines: string[];
  /** No "Prepared" or "Downloading" line: every wheel came from uv's cache. */
  readonly wheelCacheWarm: boolean;
  readonly freshTools: boolean;
  /** With `starts`: the first loadModel on the new environment, Python free to write bytecode (PYTHONDONTWRITEBYTECODE unset)... */
  readonly firstStart?: ReadyStart;
  /** ...and the second, which reads that bytecode. */
  readonly secondStart?: ReadyStart;
}

/** The model's environment built in a fresh cache root; uv and its wheels shared unless `freshTools`. */
export async function coldBuild(modelDir: string, options: { freshTools: boolean; starts: boolean }): Promise<ColdBuild> {
  const cacheRoot = await mkdtemp(join(tmpdir(), 'aviary-bench-runtime-cold-'));
  const toolsRoot = options.freshTools ? join(cacheRoot, 'tools') : defaultCacheRoot();
  try {
    const builder = new UvEnvironmentBuilder({ cacheRoot, toolsRoot });
    const spec = (await readModelEnvironment(await readMlModel(modelDir)))!.spec;
    const t0 = performance.now();
    await builder.build(spec);
    const seconds = (performance.now() - t0) / 1000;
    const logs = join(cacheRoot, 'logs');
    const log = (await Promise.all((await readdir(logs)).map((f) => readFile(join(logs, f), 'utf8')))).join('\n');
    const uvLines = log.split('\n').filter((l) => /^(Resolved|Prepared|Installed|Downloading|Built) /.test(l));
    const build = { seconds, uvLines, wheelCacheWarm: !uvLines.some((l) => /^(Prepared|Downloading) /.test(l)), freshTools: options.freshTools };
    if (!options.starts) return build;
    const saved = process.env.PYTHONDONTWRITEBYTECODE;
    delete process.env.PYTHONDONTWRITEBYTECODE; // workers inherit the bench's variables (worker-env.ts)
    try {
      const [firstStart, secondStart] = await readyStarts(modelDir, builder, 2);
      return { ...build, firstStart, secondStart };
    } finally {
      if (saved !== undefined) process.env.PYTHONDONTWRITEBYTECODE = saved;
    }
  } finally {
    await rm(cacheRoot, { recursive: true, force: true });
  }
}
