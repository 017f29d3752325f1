import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.js';

describe('LatencyHistogram', () => {
  it('answers percentiles within the bucket width', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    expect(histogram.count).toBe(1000);
    expect(histogram.percentile(0.5)).toBeGreaterThan(500 * 0.98);
    expect(histogram.percentile(0.5)).toBeLessThan(500 * 1.02);
    expect(histogram.percentile(0.99)).toBeGreaterThan(990 * 0.98);
    expect(histogram.percentile(0.99)).toBeLessThan(990 * 1.02);
  });

  it('weighs repeated values and keeps a handful of buckets for a million of them', () => {
    const histogram = new LatencyHistogram();
    histogram.record(5, 990_000);
    histogram.record(2000, 10_000);
    expect(histogram.percentile(0.5)).toBeCloseTo(5, 0);
    expect(histogram.percentile(0.995)).toBeGreaterThan(1960);
    expect(new LatencyHistogram().percentile(0.5)).toBe(0);
  });
});
