import type { LabelComparison, LabelMetrics } from '../../api/module-api.js';
import { formatValue } from '../../components/format.js';

const METRICS: [string, string, (m: LabelMetrics) => number | null][] = [
  ['precision', 'Precision', (m) => m.precision],
  ['recall', 'Recall', (m) => m.recall],
  ['roc-auc', 'ROC AUC', (m) => m.rocAuc],
];

/** Against the known labels: precision and recall at the threshold, ROC AUC, and each side's confusion matrix. */
export function LabelMetricsTable({ labels, championLabel, shadowLabel }: { labels: LabelComparison; championLabel: string; shadowLabel: string }) {
  const sides: [string, string, LabelMetrics][] = [
    ['champion', championLabel, labels.champion],
    ['shadow', shadowLabel, labels.shadow],
  ];
  return (
    <section className="label-metrics" data-testid="label-metrics">
      <p className="meta">
        Truth from <span className="mono">{labels.source}</span>: {labels.labelled.toLocaleString('en-US')} compared alerts labelled, {labels.positives.toLocaleString('en-US')}{' '}
        of them <span className="mono">{labels.positive}</span>.
      </p>
      <table className="grid label-metrics-table">
        <thead>
          <tr>
            <th />
            {sides.map(([key, label]) => (
              <th key={key}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {METRICS.map(([key, label, read]) => (
            <tr key={key} data-metric={key}>
              <th>{label}</th>
              {sides.map(([side, , m]) => (
                <td key={side} data-side={side} data-value={read(m) ?? ''} className="num">
                  {read(m) === null ? '—' : formatValue(read(m)!)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="confusions">
        {sides.map(([side, label, m]) => (
          <ConfusionMatrix key={side} side={side} label={label} confusion={m.confusion} />
        ))}
      </div>
    </section>
  );
}

function ConfusionMatrix({ side, label, confusion }: { side: string; label: string; confusion: LabelMetrics['confusion'] }) {
  const cell = (key: string, value: number) => (
    <td className="num" data-cell={key}>
      {value.toLocaleString('en-US')}
    </td>
  );
  return (
    <table className="grid confusion" data-testid="confusion" data-side={side}>
      <caption>{label}</caption>
      <thead>
        <tr>
          <th />
          <th>predicted positive</th>
          <th>predicted negative</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th>labelled positive</th>
          {cell('truePositives', confusion.truePositives)}
          {cell('falseNegatives', confusion.falseNegatives)}
        </tr>
        <tr>
          <th>labelled negative</th>
          {cell('falsePositives', confusion.falsePositives)}
          {cell('trueNegatives', confusion.trueNegatives)}
        </tr>
      </tbody>
    </table>
  );
}
