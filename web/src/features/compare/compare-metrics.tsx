/**
 * Metrics of several runs: the latest value of each, one column per run, and for each ticked
 * metric one chart with every run's history overlaid. Ticked metrics and the x axis live in
 * the URL (?metrics=&x=).
 */
import { formatValue } from '../../components/format.js';
import { replaceQuery, useLocation } from '../../routing/location.js';
import { HistoryChart, XAxisChooser, type XAxis } from '../run/history-chart.js';
import type { ComparedRun } from './compare-page.js';

const DEFAULT_CHARTED = 2;

export function CompareMetrics({ runs }: { runs: ComparedRun[] }) {
  const { query } = useLocation();
  const keys = [...new Set(runs.flatMap((r) => (r.run.data.metrics ?? []).map((m) => m.key)))].sort();
  const chosenParam = query.get('metrics');
  const charted = chosenParam === null ? keys.slice(0, DEFAULT_CHARTED) : chosenParam.split(',').filter((k) => keys.includes(k));
  const xAxis: XAxis = query.get('x') === 'time' ? 'time' : 'step';
  const toggle = (key: string, on: boolean) => replaceQuery({ metrics: keys.filter((k) => (k === key ? on : charted.includes(k))).join(',') || ',' });
  if (keys.length === 0) return <p className="empty">None of these runs has metrics.</p>;
  const latest = (r: ComparedRun, key: string) => r.run.data.metrics?.find((m) => m.key === key);
  return (
    <>
      <div className="compare-scroll">
        <table className="grid compare-table" data-testid="compare-metrics">
          <thead>
            <tr>
              <th>Chart</th>
              <th>Metric</th>
              {runs.map((r) => (
                <th key={r.run.info.run_id}>{r.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key} data-key={key}>
                <td>
                  <input type="checkbox" aria-label={`Chart ${key}`} checked={charted.includes(key)} onChange={(e) => toggle(key, e.target.checked)} />
                </td>
                <th scope="row">{key}</th>
                {runs.map((r) => {
                  const m = latest(r, key);
                  return (
                    <td key={r.run.info.run_id} data-run-id={r.run.info.run_id} title={m ? `${m.value} at step ${m.step}` : undefined}>
                      {m ? formatValue(Number(m.value)) : <span className="meta">—</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="chart-toolbar">
        <XAxisChooser value={xAxis} onChange={(x) => replaceQuery({ x: x === 'step' ? undefined : x })} />
      </div>
      <div className="charts">
        {charted.map((key) => (
          <HistoryChart
            key={key}
            metricKey={key}
            runs={runs.filter((r) => latest(r, key)).map((r) => ({ runId: r.run.info.run_id, label: r.label, color: r.color }))}
            xAxis={xAxis}
          />
        ))}
      </div>
    </>
  );
}
