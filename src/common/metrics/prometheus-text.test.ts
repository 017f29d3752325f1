// The text format as a strict reader (written from the format's description) takes it: escapes,
// histograms, special values; and that reader refuses what a scraper would refuse.
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics-registry.js';
import { renderPrometheusText } from './prometheus-text.js';
import { parsePrometheusText } from './testing/parse-prometheus-text.js';

describe('Prometheus text format', () => {
  it('renders HELP and TYPE before every family, escapes label values and help, and reads back exactly', async () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('demo_requests_total', 'Requests.\nA second line, a \\ backslash.', ['path']);
    const tricky = 'C:\\dir\\"quoted"\nnext line é';
    requests.inc({ path: tricky }, 2);
    requests.inc({ path: '/plain' });
    registry.gauge('demo_temperature_celsius', 'A gauge.').set(-3.5);
    registry.collect(() => [{ name: 'demo_special', help: 'Special values.', type: 'gauge', samples: [
      { labels: { kind: 'inf' }, value: Infinity },
      { labels: { kind: 'minus' }, value: -Infinity },
      { labels: { kind: 'nan' }, value: NaN },
      { labels: { kind: 'tiny' }, value: 1e-9 },
    ] }]);
    const text = await registry.render();
    expect(text).toContain('# HELP demo_requests_total Requests.\\nA second line, a \\\\ backslash.\n# TYPE demo_requests_total counter\n');
    expect(text).toContain('demo_requests_total{path="C:\\\\dir\\\\\\"quoted\\"\\nnext line é"} 2\n');
    const parsed = parsePrometheusText(text);
    expect(parsed.families.get('demo_requests_total')!.help).toBe('Requests.\nA second line, a \\ backslash.');
    expect(parsed.value('demo_requests_total', { path: tricky })).toBe(2);
    expect(parsed.value('demo_requests_total', { path: '/plain' })).toBe(1);
    expect(parsed.value('demo_temperature_celsius')).toBe(-3.5);
    expect(parsed.value('demo_special', { kind: 'inf' })).toBe(Infinity);
    expect(parsed.value('demo_special', { kind: 'minus' })).toBe(-Infinity);
    expect(parsed.value('demo_special', { kind: 'nan' })).toBeNaN();
    expect(parsed.value('demo_special', { kind: 'tiny' })).toBe(1e-9);
  });

  it('renders a histogram as cumulative buckets ending with +Inf equal to its count, then _sum and _count', async () => {
    const registry = new MetricsRegistry();
    const latency = registry.histogram('demo_latency_seconds', 'Latency.', ['route'], [0.1, 1, 10]);
    for (const v of [0.05, 0.1, 0.5, 2, 20, 30]) latency.observe(v, { route: 'a' });
    const text = await registry.render();
    expect(text).toBe(
      [
        '# HELP demo_latency_seconds Latency.',
        '# TYPE demo_latency_seconds histogram',
        'demo_latency_seconds_bucket{route="a",le="0.1"} 2',
        'demo_latency_seconds_bucket{route="a",le="1"} 3',
        'demo_latency_seconds_bucket{route="a",le="10"} 4',
        'demo_latency_seconds_bucket{route="a",le="+Inf"} 6',
        'demo_latency_seconds_sum{route="a"} 52.65',
        'demo_latency_seconds_count{route="a"} 6',
        '',
      ].join('\n'),
    );
    expect(parsePrometheusText(text).value('demo_latency_seconds_bucket', { le: '+Inf' })).toBe(6);
  });

  it('refuses bad metric and label names when rendering', () => {
    expect(() => renderPrometheusText([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow("invalid metric name 'bad-name'");
    expect(() => renderPrometheusText([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }])).toThrow("invalid label name 'bad-label'");
    expect(() => renderPrometheusText([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { __reserved: 'x' }, value: 1 }] }])).toThrow('invalid label name');
  });

  describe('the strict reader used by the tests', () => {
    const head = '# HELP m_total h\n# TYPE m_total counter\n';
    it.each([
      ['a sample without HELP and TYPE', 'm_total 1\n', 'has no HELP and TYPE'],
      ['TYPE before HELP', '# TYPE m_total counter\n# HELP m_total h\nm_total 1\n', 'before its HELP'],
      ['a series twice', `${head}m_total{a="1"} 1\nm_total{a="1"} 2\n`, 'given twice'],
      ['a bad escape', `${head}m_total{a="\\t"} 1\n`, 'bad escape'],
      ['an unterminated label value', `${head}m_total{a="1} 1\n`, 'unterminated value'],
      ['a counter below 0', `${head}m_total -1\n`, 'below 0'],
      ['a counter not ending in _total', '# HELP m h\n# TYPE m counter\nm 1\n', 'does not end in _total'],
      ['no final newline', `${head}m_total 1`, 'does not end with a newline'],
      ['a split family', `${head}m_total{a="1"} 1\n# HELP g h\n# TYPE g gauge\ng 1\nm_total{a="2"} 1\n`, 'apart from the rest'],
      ['buckets not cumulative', '# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', 'not cumulative'],
      ['+Inf not the count', '# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n', 'is not the count'],
      ['no +Inf bucket', '# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', 'not le="+Inf"'],
    ])('refuses %s', (_, text, message) => {
      expect(() => parsePrometheusText(text)).toThrow(message);
    });
  });
});
