/** The text `aviary modules compare` prints: per shadow alias, its numbers, both distributions, label metrics and the largest disagreements. */
import type { LabelMetrics, ModuleComparison, ShadowComparison } from '../../broker/comparison/module-comparison.js';
import { table } from './alerts-format.js';

const BLOCKS = ' ▁▂▃▄▅▆▇█';

const num = (value: number | null, digits = 3): string => (value === null ? '-' : value.toFixed(digits));
const percent = (value: number | null): string => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
const versions = (list: readonly (string | null)[]): string => list.map((v) => (v === null ? 'a local folder' : v)).join(', ') || '-';

export function formatComparison(c: ModuleComparison): string {
  const follows = c.championAlias === null ? 'a fixed version' : `@${c.championAlias}`;
  const unavailable = c.labelsUnavailable === undefined ? '' : `no label metrics: ${c.labelsUnavailable}\n`;
  const head = `${c.module}: registered model ${c.modelName}, champion ${follows}; output ${c.output || '-'} at threshold ${c.threshold}\n${unavailable}`;
  if (c.shadows.length === 0) return `${head}\nno alert was scored by both the module and a shadow alias yet\n`;
  return [head, ...c.shadows.map((s) => formatShadow(c, s))].join('\n');
}

function formatShadow(c: ModuleComparison, s: ShadowComparison): string {
  const champion = c.championAlias ?? 'champion';
  const lines = [
    `@${s.alias}: ${s.count} alert(s) compared (${champion} version ${versions(s.championVersions)}, ${s.alias} version ${versions(s.shadowVersions)})`,
    `  agreement     ${percent(s.agreement)} on the same side of ${c.threshold}`,
    `  correlation   ${num(s.correlation)}`,
    `  |difference|  mean ${num(s.meanAbsDifference, 4)}, max ${num(s.maxAbsDifference, 4)}`,
    `  distribution  ${bar(s.histogram.champion, s.histogram.shadow)}  ${champion}  (${s.histogram.edges[0]} to ${s.histogram.edges.at(-1)})`,
    `                ${bar(s.histogram.shadow, s.histogram.champion)}  ${s.alias}`,
  ];
  if (s.labels) {
    const l = s.labels;
    lines.push(`  labels from ${l.source}: ${l.labelled} labelled, ${l.positives} ${l.positive}`);
    const rows = [metricsRow(champion, l.champion), metricsRow(s.alias, l.shadow)];
    lines.push(indent(table(['', 'precision', 'recall', 'ROC AUC', 'TP', 'FP', 'TN', 'FN'], rows), '    '));
  }
  if (s.disagreements.length > 0) {
    lines.push(`  largest disagreements (${s.alias} - ${champion})`);
    const rows = s.disagreements.map((d) => [d.survey, String(d.alertId), String(d.objectId ?? '-'), num(d.champion, 4), num(d.shadow, 4), `${d.difference >= 0 ? '+' : ''}${num(d.difference, 4)}`]);
    lines.push(indent(table(['survey', 'alert id', 'object', champion, s.alias, 'difference'], rows), '    '));
  }
  return `${lines.join('\n')}\n`;
}

function metricsRow(name: string, m: LabelMetrics): string[] {
  const k = m.confusion;
  return [name, num(m.precision), num(m.recall), num(m.rocAuc), String(k.truePositives), String(k.falsePositives), String(k.trueNegatives), String(k.falseNegatives)];
}

/** One character a bin, scaled to the larger of the two distributions so they read side by side. */
function bar(counts: readonly number[], other: readonly number[]): string {
  const most = Math.max(1, ...counts, ...other);
  return counts.map((n) => BLOCKS[n === 0 ? 0 : Math.max(1, Math.round((n / most) * (BLOCKS.length - 1)))]).join('');
}

function indent(text: string, by: string): string {
  return text.trimEnd().split('\n').map((l) => by + l).join('\n');
}
