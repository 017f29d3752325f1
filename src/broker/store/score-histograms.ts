/**
 * Score histograms, shared by the alert stores: one pass over the stored outputs (in memory, or
 * streamed from SQL), the finite numbers kept per (module, output), then binned by one rule so
 * that every store answers the same (see `ScoreHistogram`). 100,000 alerts with two modules take
 * a few hundred milliseconds.
 */
import type { OutputValue } from '../enriched-alert.js';
import type { ScoreHistogram, ScoreHistogramOptions } from './alert-store.js';

export const MAX_BINS = 200;

/** The bin count, refused (RangeError) outside 1 to MAX_BINS. */
export function checkedBins(options: ScoreHistogramOptions): number {
  const { bins } = options;
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) throw new RangeError(`bins ${bins}: expected an integer from 1 to ${MAX_BINS}`);
  return bins;
}

/** The bin of `value`: floor((value - min) / width), the last bin holding max, bin 0 when min equals max. */
export function binOf(value: number, min: number, max: number, bins: number): number {
  const width = (max - min) / bins;
  if (width === 0) return 0;
  return Math.min(Math.trunc((value - min) / width), bins - 1);
}

/** One alert's outputs of one module, with the module's position in the run's config. */
export interface ScoredOutputs {
  readonly module: string;
  readonly position: number;
  readonly outputs: Readonly<Record<string, OutputValue>>;
}

interface Collected {
  readonly module: string;
  readonly output: string;
  position: number;
  values: Float64Array;
  length: number;
}

/** Histograms over a pass on the stored scores, ordered by module position, module, then output. */
export function histogramsOfScores(scores: Iterable<ScoredOutputs>, options: ScoreHistogramOptions): ScoreHistogram[] {
  const bins = checkedBins(options);
  const byOutput = new Map<string, Collected>();
  for (const s of scores) {
    if (options.module !== undefined && s.module !== options.module) continue;
    for (const output in s.outputs) {
      const value = s.outputs[output];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const key = `${s.module}\u0000${output}`;
      let entry = byOutput.get(key);
      if (!entry) byOutput.set(key, (entry = { module: s.module, output, position: s.position, values: new Float64Array(1024), length: 0 }));
      if (s.position < entry.position) entry.position = s.position;
      if (entry.length === entry.values.length) {
        const grown = new Float64Array(entry.values.length * 2);
        grown.set(entry.values);
        entry.values = grown;
      }
      entry.values[entry.length++] = value;
    }
  }
  return [...byOutput.values()]
    .sort((a, b) => a.position - b.position || compareText(a.module, b.module) || compareText(a.output, b.output))
    .map(({ module, output, values, length }) => {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < length; i++) {
        const v = values[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const counts = new Array<number>(bins).fill(0);
      for (let i = 0; i < length; i++) counts[binOf(values[i]!, min, max, bins)]!++;
      return { module, output, min, max, counts, total: length };
    });
}

/** Names in code-unit order, as histograms are listed. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
