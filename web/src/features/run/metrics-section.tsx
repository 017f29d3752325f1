/**
 * A run's metrics: the latest value and step of each, and a chart of the history of each
 * metric ticked. The ticked metrics and the x axis live in the URL (?metrics=&x=).
 */
import type { Metric } from '../../api/entities.js';
import { formatTime, formatValue } from '../../components/format.js';
import { replaceQuery, useLocation } from '../../routing/location.js';
import { HistoryChart, XAxisChooser, type XAxis } from './history-chart.js';

/** With none chosen in the URL, this many metrics are charted. */
const DEFAULT_CHARTED = 4;

export function MetricsSection({ runId, runLabel, metrics }: { runId: string; runLabel: string; metrics: Metric[] }) {
  const { query } = useLocation();
  const sorted = [...metrics].sort((a, b) => a.key.localeCompare(b.key));
  const chosenParam = query.get('metrics');
  const charted = chosenParam === null ? sorted.slice(0, DEFAULT_CHARTED).map((m) => m.key) : chosenParam.split(',').filter(Boolean);
  const xAxis: XAxis = query.get('x') === 'time' ? 'time' : 'step';
  const toggle = (key: string, on: boolean) => {
    const next = sorted.map((m) => m.key).filter((k) => (k === key ? on : charted.includes(k)));
    replaceQuery({ metrics: next.join(',') || ',' });
  };
  if (sorted.length === 0) return <p className="empty">No metrics.</p>;
  return (
    <>
      <table className="grid" data-testid="metrics">
        <thead>
          <tr>
            <th>Chart</th>
            <th>Metric</th>
            <th>Latest value</th>
            <th>Step</th>
            <th>Logged</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((m) => (
            <tr key={m.key} data-key={m.key}>
              <td>
                <input type="checkbox" aria-label={`Chart ${m.key}`} checked={charted.includes(m.key)} onChange={(e) => toggle(m.key, e.target.checked)} />
              </td>
              <th scope="row">{m.key}</th>
              <td data-col="value" title={String(m.value)}>
                {formatValue(Number(m.value))}
              </td>
              <td data-col="step">{m.step}</td>
              <td>{formatTime(m.timestamp)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="chart-toolbar">
        <XAxisChooser value={xAxis} onChange={(x) => replaceQuery({ x: x === 'step' ? undefined : x })} />
      </div>
      <div className="charts">
        {charted
          .filter((key) => sorted.some((m) => m.key === key))
          .map((key) => (
            <HistoryChart key={key} metricKey={key} runs={[{ runId, label: runLabel }]} xAxis={xAxis} />
          ))}
      </div>
    </>
  );
}
