/** The side-by-side table, where the worker's extra time goes, startup, and the targets. */
import { IDLE_MS, type BreakdownPhase } from './breakdown.js';
import { median, rowsPerSecond, summarise, type Latency } from './measure.js';
import { SYSTEM_LABELS, SYSTEMS, type PredictPhase, type System } from './predict-phase.js';
import type { ColdBuild, InterpreterCosts, ReadyStart } from './startup.js';
export { consoleTable, markdownTable } from '../common/tables.js';

export interface ReadyFromCache {
  readonly starts: readonly ReadyStart[];
  /** builder.build on the cached spec, ms. */
  readonly lookup: number;
  /** The cached environment holds mlflow's compiled bytecode. */
  readonly bytecode: boolean;
  /** PYTHONDONTWRITEBYTECODE was set for the bench, and so for its workers. */
  readonly dontWriteBytecode: boolean;
}

export interface Results {
  readonly predict: PredictPhase;
  readonly breakdown: BreakdownPhase;
  readonly ready: ReadyFromCache;
  readonly interpreter: InterpreterCosts;
  readonly cold?: ColdBuild;
  /** mlflow.pyfunc.load_model in the baseline process, mlflow already imported, ms. */
  readonly baselineLoadMs: number;
}

export type Cells = Map<number, Record<System, Latency>>;

export function latencies(predict: PredictPhase): Cells {
  const out: Cells = new Map();
  for (const [rows, cell] of predict.samples) {
    out.set(rows, Object.fromEntries(SYSTEMS.map((s) => [s, summarise(cell[s])])) as Record<System, Latency>);
  }
  return out;
}

/** Rows: metric per batch size; columns: the systems, then (b)/(a) and (c)/(a). */
export function mainTable(cells: Cells, predict: PredictPhase): string[][] {
  const rows: string[][] = [['', ...SYSTEMS.map((s) => SYSTEM_LABELS[s]), 'b/a', 'c/a']];
  for (const [n, c] of cells) {
    const ratios = (pick: (l: Latency) => number) => [pick(c.worker) / pick(c.pyfunc), pick(c.onnx) / pick(c.pyfunc)].map((r) => r.toFixed(2));
    rows.push([`batch ${n}: p50 (ms)`, ...SYSTEMS.map((s) => ms(c[s].p50)), ...ratios((l) => l.p50)]);
    rows.push([`batch ${n}: p99 (ms)`, ...SYSTEMS.map((s) => ms(c[s].p99)), ...ratios((l) => l.p99)]);
    rows.push([`batch ${n}: rows/s`, ...SYSTEMS.map((s) => int(rowsPerSecond(n, c[s]))), ...ratios((l) => 1 / l.mean)]);
    const cpu = predict.cpuPerCall.get(n)!;
    rows.push([`batch ${n}: CPU per call (ms)`, ...SYSTEMS.map((s) => ms(cpu[s])), (cpu.worker / cpu.pyfunc).toFixed(2), (cpu.onnx / cpu.pyfunc).toFixed(2)]);
    rows.push([`batch ${n}: samples`, ...SYSTEMS.map((s) => String(c[s].count)), '', '']);
  }
  return rows;
}

/**
 * What the worker does that plain Python does not, summed from parts measured apart, ms: decode,
 * DataFrame, output conversion, and everything outside the worker's clock (encode, host codec,
 * pipes, wake-ups). Left out: the pool (no copies for a batch of at most batchSize rows) and the
 * DataFrame's effect on predict, both differences of two whole calls, within the machine's noise.
 */
export function workerOwnCost(breakdown: BreakdownPhase, rows: number): number {
  const b = breakdown.bySize.get(rows)!;
  return b.stages.decode + b.stages.dataframe + b.stages.output_columns + b.outsideWorker;
}

/** Per batch size: the worker's time taken apart, ms. */
export function breakdownTable(cells: Cells, breakdown: BreakdownPhase): string[][] {
  const sizes = [...breakdown.bySize.keys()];
  const row = (label: string, value: (n: number) => number) => [label, ...sizes.map((n) => ms(value(n)))];
  const b = (n: number) => breakdown.bySize.get(n)!;
  const a = (n: number) => cells.get(n)!.pyfunc.p50;
  return [
    ['ms (medians)', ...sizes.map((n) => `batch ${n}`)],
    row('(b) Aviary worker through loadModel, p50 (main table)', (n) => cells.get(n)!.worker.p50),
    row('(a) Python, pyfunc predict, p50 (main table)', a),
    row('b - a (main table)', (n) => cells.get(n)!.worker.p50 - a(n)),
    row('b - a, call by call (median of paired differences)', (n) => b(n).poolMinusPlain),
    row('  (a) in those triples (the shares below are of this)', (n) => b(n).plain),
    row('WorkerProcess.predict alone, round trip', (n) => b(n).direct),
    row('  inside the worker (its predict_ms)', (n) => b(n).workerReported),
    row('    decode_batch', (n) => b(n).stages.decode),
    row('    DataFrame: one frombuffer over the block, cached column Index', (n) => b(n).stages.dataframe),
    row('    pyfunc predict on that DataFrame', (n) => b(n).stages.pyfunc_predict),
    row('    output_columns', (n) => b(n).stages.output_columns),
    row("  outside the worker's clock (round trip - predict_ms)", (n) => b(n).outsideWorker),
    row('    encode_batch of the answer (Python)', (n) => b(n).stages.encode),
    row('    encodeTable of the batch (host)', (n) => b(n).hostEncode),
    row('    decodeTable of the answer (host)', (n) => b(n).hostDecode),
    row('    pipes, wake-ups, frame handling (the rest)', (n) => b(n).outsideWorker - b(n).stages.encode - b(n).hostEncode - b(n).hostDecode),
    row('WorkerPool on top of WorkerProcess (paired)', (n) => b(n).poolMinusDirect),
    row("pyfunc predict on the baseline's 2-D DataFrame (same loop as the steps)", (n) => b(n).stages.pyfunc_predict_2d),
    row("  predict on the worker's DataFrame minus on the 2-D one (paired)", (n) => b(n).stages.frame_effect),
    row('sklearn predict on the 2-D DataFrame (same loop)', (n) => b(n).stages.sklearn_predict),
    row('the DataFrame column by column (20 frombuffer arrays, pd.DataFrame(dict)), as before the block', (n) => b(n).stages.dataframe_per_column),
    row("the worker's own costs: decode + DataFrame + output_columns + outside its clock", (n) => workerOwnCost(breakdown, n)),
    ['  as a share of (a)', ...sizes.map((n) => `${((workerOwnCost(breakdown, n) / b(n).plain) * 100).toFixed(1)}%`)],
    [`Ping round trip, back to back: p50 ${ms(breakdown.ping.p50)}, p99 ${ms(breakdown.ping.p99)}`, ...sizes.map(() => '')],
    [`Ping round trip after ${IDLE_MS} ms idle: p50 ${ms(breakdown.pingAfterIdle.p50)}, p99 ${ms(breakdown.pingAfterIdle.p99)}`, ...sizes.map(() => '')],
  ];
}

export function startupTable(r: Results): string[][] {
  const { ready, interpreter, cold } = r;
  const totals = ready.starts.map((s) => s.total);
  const loads = ready.starts.map((s) => s.modelLoad);
  const rows = [
    ['loadModel to a ready worker, cached environment', ms(median(totals)), totals.map(ms).join(', ')],
    ["  the model's own load (Ready frame load_ms)", ms(median(loads)), loads.map(ms).join(', ')],
    ['  the rest: ready - model load', ms(median(totals) - median(loads)), ''],
    ['  finding the cached environment (builder.build)', ms(ready.lookup), ''],
    ['  bytecode (.pyc) in the cached environment', ready.bytecode ? 'yes' : 'no', `PYTHONDONTWRITEBYTECODE ${ready.dontWriteBytecode ? 'set' : 'unset'} for the workers`],
    ['`python -c pass` in the environment', ms(interpreter.bare), ''],
    ['`python -c "import mlflow, mlflow.pyfunc"`', ms(interpreter.importMlflow), ''],
    ['mlflow.pyfunc.load_model in the baseline process, mlflow imported before (as load_ms)', ms(r.baselineLoadMs), ''],
  ];
  if (cold) {
    const wheels = cold.freshTools ? 'fresh uv and wheel cache' : `uv's wheel cache shared (${cold.wheelCacheWarm ? 'warm: nothing downloaded' : 'cold: wheels downloaded'})`;
    rows.push([`cold environment build in a fresh cache root, ${wheels} (s)`, cold.seconds.toFixed(1), cold.uvLines.join('; ')]);
    for (const [label, start] of [['first start on it, writing bytecode', cold.firstStart], ['second start, reading that bytecode', cold.secondStart]] as const) {
      if (start) rows.push([`  ${label}: ready (model load)`, ms(start.total), `${ms(start.modelLoad)} load, ${ms(start.total - start.modelLoad)} the rest`]);
    }
  }
  return rows;
}

export interface Target {
  readonly target: string;
  readonly actual: string;
  /** By the measure the target names (overhead: the p50 ratio). */
  readonly met: boolean;
  /** Met by that measure, but another estimate of the same thing says otherwise. */
  readonly borderline?: boolean;
}

export function targetsOf(cells: Cells, r: Results): Target[] {
  const targets: Target[] = [];
  for (const [n, c] of cells) {
    if (n < 100) continue;
    const ratio = c.worker.p50 / c.pyfunc.p50;
    const b = r.breakdown.bySize.get(n)!;
    const paired = b.poolMinusPlain / b.plain;
    const parts = workerOwnCost(r.breakdown, n) / b.plain;
    const cpu = r.predict.cpuPerCall.get(n)!;
    targets.push({
      target: `worker overhead <= 10% at batch ${n}`,
      actual: `p50 b/a ${ratio.toFixed(2)} (${signed(c.worker.p50 - c.pyfunc.p50)} ms); call by call ${pct(paired)}; from the parts ${pct(parts)}; CPU per call ${pct(cpu.worker / cpu.pyfunc - 1)}`,
      met: ratio <= 1.1,
      borderline: ratio <= 1.1 && Math.max(paired, parts, cpu.worker / cpu.pyfunc - 1) > 0.1,
    });
  }
  const totals = median(r.ready.starts.map((s) => s.total));
  const loads = median(r.ready.starts.map((s) => s.modelLoad));
  targets.push({
    target: "ready from a cached environment <= 1 s + the model's own load",
    actual: `${ms(totals)} ms = ${ms(loads)} ms load + ${ms(totals - loads)} ms`,
    met: totals - loads <= 1000,
  });
  return targets;
}

export function verdict(t: Target): string {
  if (!t.met) return 'not met';
  return t.borderline ? 'met by p50, not by every estimate' : 'met';
}


export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = Math.abs(value) < 10 ? 3 : 1;
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function pct(share: number): string {
  return `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${ms(value)}`;
}

export function int(value: number): string {
  return Math.round(value).toLocaleString('en');
}
