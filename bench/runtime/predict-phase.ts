/**
 * The same batches scored five ways, interleaved: per batch size, every system is warmed up,
 * then timed in short rounds (each round runs them all, in an order rotated per round), so a
 * change in the shared machine's other load hits them alike. Beside the latencies, the CPU time
 * each system's processes used per call.
 */
import type { ModelRuntime } from '../../src/runtime/model-runtime.js';
import type { BaselineProcess } from './baseline-process.js';
import { batchOf, type BenchModel } from './bench-model.js';
import { timeLoop, type Budget } from './measure.js';

export const SYSTEMS = ['pyfunc', 'sklearn', 'worker', 'onnx', 'onnx1'] as const;
export type System = (typeof SYSTEMS)[number];

export const SYSTEM_LABELS: Record<System, string> = {
  pyfunc: '(a) Python, pyfunc predict',
  sklearn: "(a') Python, sklearn predict",
  worker: '(b) Aviary worker',
  onnx: '(c) ONNX in-process',
  onnx1: "(c') ONNX, 1 thread",
};

/** Shown for context, not compared against a target: timed half as long. */
const CONTEXT: ReadonlySet<System> = new Set(['sklearn', 'onnx1']);

export interface PredictSettings {
  readonly batchSizes: readonly number[];
  readonly warmup: Budget;
  /** Each round's budget per system; the context systems (raw sklearn, ONNX on one thread) get half. */
  readonly round: Budget;
  readonly rounds: number;
}

/** Samples (ms) per batch size and system. */
export type PredictSamples = Map<number, Record<System, number[]>>;

/** Cumulative CPU ms of the processes a system runs in (see run.ts). */
export type CpuClocks = Record<System, () => number>;

export interface PredictPhase {
  readonly samples: PredictSamples;
  /** Per batch size: CPU ms per call, over the timed rounds. */
  readonly cpuPerCall: Map<number, Record<System, number>>;
  /** Per batch size: the share of rows whose label matched sklearn's, for the worker and ONNX. */
  readonly agreement: Map<number, { worker: number; onnx: number }>;
}

export async function predictPhase(
  model: BenchModel,
  runtimes: Record<'worker' | 'onnx' | 'onnx1', ModelRuntime>,
  baseline: BaselineProcess,
  cpu: CpuClocks,
  settings: PredictSettings,
  say: (line: string) => void,
): Promise<PredictPhase> {
  const samples: PredictSamples = new Map();
  const cpuPerCall = new Map<number, Record<System, number>>();
  const agreement = new Map<number, { worker: number; onnx: number }>();
  for (const rows of settings.batchSizes) {
    const batch = batchOf(model, rows);
    const timed = (system: System, budget: Budget): Promise<number[]> => {
      if (system === 'pyfunc' || system === 'sklearn') return baseline.time(system, rows, budget);
      return timeLoop(() => runtimes[system].predict(batch), budget);
    };
    const labelsOf = async (system: 'worker' | 'onnx') => {
      const out = await runtimes[system].predict(batch);
      return out.data[out.names.indexOf(system === 'worker' ? 'prediction' : 'label')]!;
    };
    const [worker, onnx] = [await labelsOf('worker'), await labelsOf('onnx')];
    const share = (labels: ArrayLike<unknown>) => Array.from(labels).filter((v, i) => Number(v) === model.labels[i]).length / rows;
    agreement.set(rows, { worker: share(worker), onnx: share(onnx) });

    for (const system of SYSTEMS) await timed(system, settings.warmup);
    const cell = Object.fromEntries(SYSTEMS.map((s) => [s, [] as number[]])) as Record<System, number[]>;
    const cpuMs = Object.fromEntries(SYSTEMS.map((s) => [s, 0])) as Record<System, number>;
    for (let r = 0; r < settings.rounds; r++) {
      const order = SYSTEMS.map((_, i) => SYSTEMS[(i + r) % SYSTEMS.length]!);
      for (const system of order) {
        const budget = CONTEXT.has(system) ? { ...settings.round, seconds: settings.round.seconds / 2 } : settings.round;
        const before = cpu[system]();
        cell[system].push(...(await timed(system, budget)));
        cpuMs[system] += cpu[system]() - before;
      }
    }
    samples.set(rows, cell);
    cpuPerCall.set(rows, Object.fromEntries(SYSTEMS.map((s) => [s, cpuMs[s] / cell[s].length])) as Record<System, number>);
    say(`batch ${rows}: ${SYSTEMS.map((s) => `${s} ${cell[s].length} samples`).join(', ')}`);
  }
  return { samples, cpuPerCall, agreement };
}
