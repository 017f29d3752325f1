// The registry: families once each, labels as declared, collectors added and removed, and
// histogram buckets that count a value equal to a bound in that bound's bucket.
import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.js';
import { MetricsRegistry } from './metrics-registry.js';
import { parsePrometheusText } from './testing/parse-prometheus-text.js';

describe('MetricsRegistry', () => {
  it('shows a family without labels at 0 before anything happens, and one with labels without samples', async () => {
    const registry = new MetricsRegistry();
    registry.counter('a_total', 'A.');
    registry.counter('b_total', 'B.', ['kind']);
    const parsed = parsePrometheusText(await registry.render());
    expect(parsed.value('a_total')).toBe(0);
    expect(parsed.families.get('b_total')!.samples).toEqual([]);
  });

  it('refuses a name registered twice, labels other than declared, and a counter going down', async () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('a_total', 'A.', ['kind']);
    expect(() => registry.gauge('a_total', 'again')).toThrow('metric a_total is registered twice');
    expect(() => c.inc({})).toThrow('expected labels {kind}, got {}');
    expect(() => c.inc({ kind: 'x', other: 'y' })).toThrow('expected labels {kind}, got {kind, other}');
    expect(() => c.inc({ kind: 'x' }, -1)).toThrow('cannot add -1');
    expect(() => registry.histogram('h_seconds', 'H.', [], [1, 1])).toThrow('increasing');
  });

  it('calls collectors at each scrape, drops one removed, and refuses a family two parts export', async () => {
    const registry = new MetricsRegistry();
    let n = 0;
    const remove = registry.collect(() => [{ name: 'n', help: 'N.', type: 'gauge', samples: [{ labels: {}, value: ++n }] }]);
    expect(parsePrometheusText(await registry.render()).value('n')).toBe(1);
    expect(parsePrometheusText(await registry.render()).value('n')).toBe(2);
    remove();
    expect(await registry.render()).toBe('');
    registry.gauge('g', 'G.');
    registry.collect(async () => [{ name: 'g', help: 'again', type: 'gauge', samples: [] }]);
    await expect(registry.render()).rejects.toThrow('metric g is exported twice');
  });

  it('keeps gauges settable and addable per label set', async () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge('g', 'G.', ['k']);
    g.set(5, { k: 'a' });
    g.add(-2, { k: 'a' });
    g.add(1, { k: 'b' });
    const parsed = parsePrometheusText(await registry.render());
    expect(parsed.value('g', { k: 'a' })).toBe(3);
    expect(parsed.value('g', { k: 'b' })).toBe(1);
  });
});

describe('Histogram', () => {
  it('counts a value equal to a bound in that bucket, and one above every bound only in the count', () => {
    const h = new Histogram([1, 2]);
    [1, 1.5, 2, 3].forEach((v) => h.observe(v));
    expect(h.sample({ m: 'x' })).toEqual({ labels: { m: 'x' }, buckets: [{ le: 1, count: 1 }, { le: 2, count: 3 }], sum: 7.5, count: 4 });
  });
});
