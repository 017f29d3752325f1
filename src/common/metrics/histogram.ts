/**
 * Observations counted in fixed buckets, as Prometheus histograms are: exact counts at each
 * upper bound, whatever the number of observations, at a fixed cost in memory.
 */
import type { HistogramSample, Labels } from './metric-family.js';

/** Seconds, from a millisecond to a minute: HTTP requests, model calls, alert latencies. */
export const SECONDS_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Histogram {
  private readonly counts: number[];
  private total = 0;
  private sumOfValues = 0;

  constructor(readonly bounds: readonly number[] = SECONDS_BUCKETS) {
    if (bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]!))) {
      throw new Error(`histogram buckets must be finite and increasing: ${bounds.join(', ')}`);
    }
    this.counts = bounds.map(() => 0);
  }

  get count(): number {
    return this.total;
  }

  observe(value: number): void {
    // The first bucket that holds it; above every bound it is counted only in +Inf (the total).
    const at = this.bounds.findIndex((bound) => value <= bound);
    if (at >= 0) this.counts[at]! += 1;
    this.total += 1;
    this.sumOfValues += value;
  }

  sample(labels: Labels = {}): HistogramSample {
    let cumulative = 0;
    const buckets = this.bounds.map((le, i) => ({ le, count: (cumulative += this.counts[i]!) }));
    return { labels, buckets, sum: this.sumOfValues, count: this.total };
  }
}
