/** Timing loops and what is reported of them: every sample kept, summarised as percentiles. */

/** How long one (runtime, batch size) cell is timed: a time budget, bounded by sample counts. */
export interface Budget {
  readonly seconds: number;
  readonly min: number;
  readonly max: number;
}

export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly count: number;
}

/** Sequential calls until the budget is spent (at least `min`, at most `max`), one ms sample each. */
export async function timeLoop(call: () => Promise<unknown>, budget: Budget): Promise<number[]> {
  const samples: number[] = [];
  const began = performance.now();
  while (samples.length < budget.max && (samples.length < budget.min || performance.now() - began < budget.seconds * 1000)) {
    const t0 = performance.now();
    await call();
    samples.push(performance.now() - t0);
  }
  return samples;
}

export function summarise(samples: readonly number[]): Latency {
  const sum = samples.reduce((a, b) => a + b, 0);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), mean: sum / samples.length, count: samples.length };
}

/** Nearest-rank percentile: with fewer than 100 samples, p99 is the slowest one. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Rows per second of one client calling back to back: rows over the mean latency. */
export function rowsPerSecond(rows: number, latency: Latency): number {
  return (rows * 1000) / latency.mean;
}
