/**
 * Where a worker's start went, in the words the broker's log uses: the interpreter's start (the
 * sandbox's included), `import mlflow`, the model's load. The slowest worker of a pool is the
 * one a swap waits for, so a pool is described by it.
 */
import type { WorkerInfo } from './worker-process.js';

export interface WorkerStartup {
  readonly readyMs: number;
  readonly interpreterMs: number;
  readonly importMs: number;
  readonly loadMs: number;
}

export function workerStartup(info: WorkerInfo): WorkerStartup {
  return {
    readyMs: info.readyMs,
    interpreterMs: Math.max(0, info.readyMs - info.mainMs),
    importMs: info.importMs,
    loadMs: info.loadMs,
  };
}

/** The slowest of `startups` (by time to ready), or undefined for none. */
export function slowestStartup(startups: readonly WorkerStartup[]): WorkerStartup | undefined {
  return startups.reduce<WorkerStartup | undefined>((slowest, s) => (!slowest || s.readyMs > slowest.readyMs ? s : slowest), undefined);
}

/** "ready in 2.1 s: interpreter 0.2 s, import mlflow 1.3 s, model loaded in 0.5 s" (no import for a preprocessing step). */
export function describeStartup(startup: WorkerStartup, what = 'model'): string {
  const parts = [`interpreter ${seconds(startup.interpreterMs)}`];
  if (startup.importMs > 0) parts.push(`import mlflow ${seconds(startup.importMs)}`);
  parts.push(`${what} loaded in ${seconds(startup.loadMs)}`);
  return `ready in ${seconds(startup.readyMs)}: ${parts.join(', ')}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 100 ? 2 : 1)} s`;
}
