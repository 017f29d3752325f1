/** One metric's history for one or more runs, loaded from metrics/get-history and drawn overlaid. */
import type { Metric } from '../../api/entities.js';
import { getMetricHistory } from '../../api/run-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { LineChart, SERIES_COLORS, type ChartPoint } from './line-chart.js';

export type XAxis = 'step' | 'time';

export interface ChartRun {
  runId: string;
  label: string;
  color?: string;
}

export function HistoryChart({ metricKey, runs, xAxis }: { metricKey: string; runs: ChartRun[]; xAxis: XAxis }) {
  const key = `${metricKey}|${runs.map((r) => r.runId).join(',')}`;
  const [histories] = useAsync(key, (signal) => Promise.all(runs.map((r) => getMetricHistory(r.runId, metricKey, signal))));
  if (histories.status === 'loading') return <Progress label={`Loading the history of ${metricKey}…`} />;
  if (histories.status === 'error') return <ErrorBanner error={histories.error} />;
  const series = runs.map((run, i) => ({
    label: run.label,
    color: run.color ?? SERIES_COLORS[i % SERIES_COLORS.length]!,
    points: toPoints(histories.value[i]!, xAxis),
  }));
  return <LineChart title={metricKey} xLabel={xAxis === 'step' ? 'step' : 'seconds since the first point'} series={series} />;
}

function toPoints(history: Metric[], xAxis: XAxis): ChartPoint[] {
  const start = Math.min(...history.map((m) => Number(m.timestamp)));
  return history.map((m) => ({ x: xAxis === 'step' ? Number(m.step) : (Number(m.timestamp) - start) / 1000, y: Number(m.value) })).filter((p) => Number.isFinite(p.y));
}

/** The x-axis choice: steps or wall-clock time. */
export function XAxisChooser({ value, onChange }: { value: XAxis; onChange: (x: XAxis) => void }) {
  return (
    <label className="x-axis">
      x axis:{' '}
      <select value={value} onChange={(e) => onChange(e.target.value as XAxis)} data-testid="x-axis">
        <option value="step">step</option>
        <option value="time">time</option>
      </select>
    </label>
  );
}
