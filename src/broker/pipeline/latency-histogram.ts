/**
 * Latencies in logarithmic buckets (about 2% wide), so that percentiles of any number of alerts
 * cost a fixed amount of memory. A percentile is answered as its bucket's middle.
 */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Below this (ms), everything shares the first bucket. */
const FLOOR_MS = 0.01;

export class LatencyHistogram {
  private readonly buckets = new Map<number, number>();
  private total = 0;

  get count(): number {
    return this.total;
  }

  record(ms: number, times = 1): void {
    const bucket = ms <= FLOOR_MS ? 0 : Math.floor(Math.log(ms / FLOOR_MS) / LOG_GROWTH) + 1;
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + times);
    this.total += times;
  }

  /** The latency below which `fraction` of them fall (0 when nothing was recorded). */
  percentile(fraction: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(fraction * this.total));
    let seen = 0;
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(bucket)!;
      if (seen >= rank) return bucket === 0 ? FLOOR_MS : FLOOR_MS * GROWTH ** (bucket - 0.5);
    }
    return 0;
  }
}
