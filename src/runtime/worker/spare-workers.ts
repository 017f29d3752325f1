/**
 * One spare worker kept per environment in use: a Python process that has already started and
 * imported MLflow (`aviary_worker.py --spare`), waiting for a model. When a new version in that
 * environment starts (a followed alias moved), its pool adopts the spare, whose start then costs
 * the model's load alone, and a new spare starts behind it. Opt-in (LoadModelOptions.spares):
 * a process that loads models once has no use for them; whoever makes one closes it.
 *
 * An environment with no spare yet (just built: a cold start) gets the bytecode of what the last
 * model's worker imported compiled ahead, over every core (compile-ahead.ts), before its first
 * worker starts.
 *
 * A sandboxed spare sees only what was bound when it started, so each has a folder of its own
 * (bound read-only; open to others, so that the bind covers what is put in it later, see
 * readOnlyBinds) into which the model's files are linked when it is adopted.
 */
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../common/logger.js';
import { makeTempDir, removeTempDir } from '../../common/temp-dirs.js';
import type { PythonEnvironment } from '../environment-builder.js';
import { compileSources, moduleSources } from './compile-ahead.js';
import { WorkerProcess, type WorkerProcessOptions } from './worker-process.js';

interface Spare {
  readonly worker: WorkerProcess;
  /** The temporary folder; the model goes in its `model` folder. */
  readonly tempDir: string;
}

export class SpareWorkers {
  private readonly spares = new Map<string, Promise<Spare | undefined>>();
  /** Environment folders whose bytecode was compiled ahead (or is being). */
  private readonly compiled = new Map<string, Promise<void>>();
  /** What the latest model's worker imported from its environment (prepare's `modules`). */
  private lastModules: readonly string[] = [];
  private closed = false;

  constructor(private readonly logger: Logger) {}

  /**
   * A worker for `options`' model from this environment's spare, loaded and ready; undefined
   * when there is no live spare (the caller starts one the usual way). The spare's folder goes
   * when the worker exits.
   */
  async adopt(options: WorkerProcessOptions): Promise<WorkerProcess | undefined> {
    const key = keyOf(options);
    const waiting = this.spares.get(key);
    this.spares.delete(key);
    const spare = await waiting;
    if (!spare?.worker.alive) {
      if (spare) await removeTempDir(spare.tempDir);
      await this.compileAhead(options.environment);
      return undefined;
    }
    const modelDir = join(spare.tempDir, 'model');
    void spare.worker.exited.then(() => removeTempDir(spare.tempDir));
    await linkTree(options.modelDir, modelDir);
    await spare.worker.adopt(options.name, modelDir);
    return spare.worker;
  }

  /** Starts this environment's spare, unless one is there (or starting); it imports `modules`
   * (what a model of the environment imported: its flavor's library) while it waits. */
  prepare(options: Omit<WorkerProcessOptions, 'modelDir' | 'name'>, modules: readonly string[] = []): void {
    if (modules.length > 0) this.lastModules = modules;
    const key = keyOf(options);
    if (this.closed || this.spares.has(key)) return;
    const starting = makeTempDir('aviary-spare').then(
      async (tempDir) => {
        const dropDir = join(tempDir, 'model');
        await mkdir(dropDir, { mode: 0o755 });
        const worker = WorkerProcess.spare({ ...options, name: `spare ${options.environment.hash}`, dropDir });
        worker.preload(modules);
        return { worker, tempDir };
      },
      (err: Error) => {
        this.logger.warn(`could not start a spare worker in ${options.environment.dir}: ${err.message}`);
        return undefined;
      },
    );
    this.spares.set(key, starting);
  }

  /** Compiles the bytecode of the latest model's imports in `environment`, once; the first worker then reads it. */
  private compileAhead(environment: PythonEnvironment): Promise<void> {
    let compiling = this.compiled.get(environment.dir);
    if (!compiling) {
      const sources = moduleSources(environment.dir, this.lastModules);
      compiling = sources.length === 0 ? Promise.resolve() : compileSources(environment, sources);
      this.compiled.set(environment.dir, compiling);
    }
    return compiling;
  }

  /** The pids of the spares that have MLflow imported (a spare answers a ping only then); for tests and benches. */
  async ready(timeoutMs = 120_000): Promise<number[]> {
    const spares = await Promise.all(this.spares.values());
    const answered = await Promise.all(spares.map((spare) => spare?.worker.ping(timeoutMs).then(() => spare.worker.pid, () => undefined)));
    return answered.filter((pid): pid is number => pid !== undefined);
  }

  /** Stops every spare not adopted. */
  async close(): Promise<void> {
    this.closed = true;
    const spares = await Promise.all(this.spares.values());
    this.spares.clear();
    await Promise.all(
      spares.map(async (spare) => {
        if (!spare) return;
        await spare.worker.stop(1000);
        await removeTempDir(spare.tempDir);
      }),
    );
  }
}

/** Spares are interchangeable only for workers started alike. */
function keyOf(options: Pick<WorkerProcessOptions, 'environment' | 'memoryLimitMb' | 'network'>): string {
  return JSON.stringify([options.environment.dir, options.memoryLimitMb ?? null, options.network === true]);
}

/** `from`'s files hard-linked under `to` (copied across filesystems): no model's bytes are copied on one. */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) await linkTree(source, target);
    else if (entry.isFile()) await link(source, target).catch(() => copyFile(source, target));
  }
}
