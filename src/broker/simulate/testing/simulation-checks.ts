/** Test support for simulated alerts: the class shares of their labels, and medians of their fields. */
import { expect } from 'vitest';

/** Each class's count among the labels is its share of n, give or take 5. */
export function expectClassShares(labels: readonly { readonly class: string }[], mix: Readonly<Record<string, number>>, n: number): void {
  for (const [cls, share] of Object.entries(mix)) {
    const count = labels.filter((l) => l.class === cls).length;
    expect(count, cls).toBeGreaterThanOrEqual(share * n - 5);
    expect(count, cls).toBeLessThanOrEqual(share * n + 5);
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
