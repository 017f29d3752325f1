/**
 * Prometheus' text exposition format 0.0.4: per family a `# HELP` and a `# TYPE` line, then its
 * samples; a histogram as cumulative `_bucket` lines ending with `le="+Inf"` (its count), then
 * `_sum` and `_count`. Label values and help text are escaped as the format says; a bad metric
 * or label name is a programming mistake and throws.
 */
import type { Labels, MetricFamily } from './metric-family.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function renderPrometheusText(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) throw new Error(`invalid metric name '${family.name}'`);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') {
      for (const sample of family.samples) {
        for (const { le, count } of sample.buckets) lines.push(line(`${family.name}_bucket`, { ...sample.labels, le: formatNumber(le) }, count));
        lines.push(line(`${family.name}_bucket`, { ...sample.labels, le: '+Inf' }, sample.count));
        lines.push(line(`${family.name}_sum`, sample.labels, sample.sum), line(`${family.name}_count`, sample.labels, sample.count));
      }
    } else {
      for (const sample of family.samples) lines.push(line(family.name, sample.labels, sample.value));
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function line(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([label, text]) => {
    if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`metric ${name}: invalid label name '${label}'`);
    return `${label}="${escapeLabelValue(text)}"`;
  });
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatNumber(value)}`;
}

export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
