/**
 * Where the worker's time goes, per batch size. One WorkerProcess, started apart, is called in
 * turn with the pool loadModel made and with the baseline's pyfunc predict (triples of calls, so
 * that differences are taken call by call, under the same load); its Result frames carry the
 * worker's own predict_ms; each step of that is
 * timed apart in the baseline process with the worker's own functions; the host's encode and
 * decode (batch-codec.ts) are timed alone; a Ping round trip is two pipe writes and two process
 * wake-ups with nothing else, timed back to back and after 10 ms idle (as after a predict: a
 * process that slept wakes more slowly than one that is still running).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/common/logger.js';
import type { PythonEnvironment } from '../../src/runtime/environment-builder.js';
import type { ModelRuntime } from '../../src/runtime/model-runtime.js';
import { decodeTable, encodeTable } from '../../src/runtime/worker/batch-codec.js';
import { WorkerProcess } from '../../src/runtime/worker/worker-process.js';
import type { BaselineProcess, WorkerStages } from './baseline-process.js';
import { batchOf, type BenchModel } from './bench-model.js';
import { median, percentile, timeLoop, type Budget } from './measure.js';

export interface Breakdown {
  /** ms, medians. */
  readonly hostEncode: number;
  readonly hostDecode: number;
  /** WorkerProcess.predict from the TypeScript side, without the pool. */
  readonly direct: number;
  /** The pool's call minus the direct call of the same triple. */
  readonly poolMinusDirect: number;
  /** (b) minus (a), call by call: the pool's call minus the baseline's pyfunc predict of the same triple. */
  readonly poolMinusPlain: number;
  /** (a) within the triples: the denominator of this phase's shares, taken under the same load. */
  readonly plain: number;
  /** predict_ms of the Result frames: from the payload in hand to the answer's columns (encode and pipes excluded). */
  readonly workerReported: number;
  /** Per call, the direct round trip minus the worker's predict_ms. */
  readonly outsideWorker: number;
  readonly stages: WorkerStages;
}

export interface BreakdownPhase {
  readonly bySize: Map<number, Breakdown>;
  readonly ping: { p50: number; p99: number };
  readonly pingAfterIdle: { p50: number; p99: number };
}

export const IDLE_MS = 10;

const TIMEOUT_MS = 60_000;

/** The WorkerProcess the breakdown calls; started early, beside other start-ups, as it is not timed. */
export function startDirectWorker(model: BenchModel, environment: PythonEnvironment): Promise<WorkerProcess> {
  return WorkerProcess.start({ name: 'bench', modelDir: model.sklearnDir, environment, startupTimeoutMs: 180_000, logger: silentLogger });
}

export async function breakdownPhase(
  model: BenchModel,
  pool: ModelRuntime,
  worker: WorkerProcess,
  baseline: BaselineProcess,
  settings: { batchSizes: readonly number[]; budget: Budget; codecIterations: number; idlePings: number },
): Promise<BreakdownPhase> {
  const bySize = new Map<number, Breakdown>();
  for (const rows of settings.batchSizes) {
    const batch = batchOf(model, rows);
    const result = encodeTable({ columns: ['prediction'], data: [Float64Array.from(model.labels.slice(0, rows))], rows, meta: { predict_ms: 1.5 } });
    const hostEncode = median(repeat(settings.codecIterations, () => encodeTable(batch)));
    const hostDecode = median(repeat(settings.codecIterations, () => decodeTable(result)));
    const samples = { direct: [] as number[], poolMinusDirect: [] as number[], poolMinusPlain: [] as number[], plain: [] as number[], reported: [] as number[], outside: [] as number[] };
    let turn = 0;
    // One call of each, in an order rotated per triple: (b) through the pool, the WorkerProcess
    // alone, and (a) one pyfunc predict timed inside the baseline process.
    const triple = async (keep: boolean) => {
      const calls = [
        async () => {
          const t0 = performance.now();
          await pool.predict(batch);
          return { pool: performance.now() - t0 };
        },
        async () => {
          const t0 = performance.now();
          const answer = await worker.predict(batch, TIMEOUT_MS);
          return { direct: performance.now() - t0, workerMs: answer.workerMs ?? Number.NaN };
        },
        async () => ({ plain: (await baseline.time('pyfunc', rows, { seconds: 0, min: 1, max: 1 }))[0]! }),
      ];
      const t: { pool?: number; direct?: number; workerMs?: number; plain?: number } = {};
      for (let i = 0; i < calls.length; i++) Object.assign(t, await calls[(i + turn) % calls.length]!());
      turn++;
      if (!keep) return;
      samples.direct.push(t.direct!);
      samples.poolMinusDirect.push(t.pool! - t.direct!);
      samples.poolMinusPlain.push(t.pool! - t.plain!);
      samples.plain.push(t.plain!);
      samples.reported.push(t.workerMs!);
      samples.outside.push(t.direct! - t.workerMs!);
    };
    await timeLoop(() => triple(false), { ...settings.budget, seconds: settings.budget.seconds / 4 });
    await timeLoop(() => triple(true), settings.budget);
    const stages = await baseline.stages(rows, Math.max(settings.budget.min, Math.min(60, samples.direct.length)));
    bySize.set(rows, {
      hostEncode,
      hostDecode,
      direct: median(samples.direct),
      poolMinusDirect: median(samples.poolMinusDirect),
      poolMinusPlain: median(samples.poolMinusPlain),
      plain: median(samples.plain),
      workerReported: median(samples.reported),
      outsideWorker: median(samples.outside),
      stages,
    });
  }
  // Scaled from the full run's 100 idle pings: 0.2 s of warm-up, then 1 s (100 to 2,000 pings) back to back.
  const scale = settings.idlePings / 100;
  const pingBudget = { seconds: scale, min: settings.idlePings, max: 20 * settings.idlePings };
  await timeLoop(() => worker.ping(TIMEOUT_MS), { seconds: 0.2 * scale, min: Math.ceil(settings.idlePings / 5), max: 2 * settings.idlePings });
  const pings = await timeLoop(() => worker.ping(TIMEOUT_MS), pingBudget);
  const idle: number[] = [];
  for (let i = 0; i < settings.idlePings; i++) {
    await sleep(IDLE_MS);
    const t0 = performance.now();
    await worker.ping(TIMEOUT_MS);
    idle.push(performance.now() - t0);
  }
  const spread = (samples: number[]) => ({ p50: median(samples), p99: percentile(samples, 99) });
  return { bySize, ping: spread(pings), pingAfterIdle: spread(idle) };
}

function repeat(times: number, call: () => unknown): number[] {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    call();
    samples.push(performance.now() - t0);
  }
  return samples;
}
