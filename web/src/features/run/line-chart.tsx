/**
 * A line chart drawn in SVG: one or more series on shared axes with ticks, a legend, and each
 * series' points marked. Each series' <g> carries `data-points` (how many points it drew).
 */
import { formatValue } from '../../components/format.js';
import { niceTicks } from './ticks.js';

export interface ChartPoint {
  x: number;
  y: number;
}

export interface ChartSeries {
  label: string;
  color: string;
  points: ChartPoint[];
}

const WIDTH = 560;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 16, bottom: 38, left: 64 };
/** Above this many points a series is drawn as a line only. */
const MAX_MARKERS = 300;

export function LineChart({ title, xLabel, series }: { title: string; xLabel: string; series: ChartSeries[] }) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <p className="empty">No points for {title}.</p>;
  const xTicks = niceTicks(Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)), 6);
  const yTicks = niceTicks(Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)), 5);
  const [x0, x1] = [xTicks[0]!, xTicks[xTicks.length - 1]!];
  const [y0, y1] = [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x1 === x0 ? plotW / 2 : ((x - x0) / (x1 - x0)) * plotW);
  const sy = (y: number) => MARGIN.top + plotH - (y1 === y0 ? plotH / 2 : ((y - y0) / (y1 - y0)) * plotH);

  return (
    <figure className="chart" data-testid="metric-chart" data-metric={title}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={`${title} by ${xLabel}`}>
        <g className="chart-grid">
          {yTicks.map((t) => (
            <g key={`y${t}`}>
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={sy(t)} y2={sy(t)} />
              <text x={MARGIN.left - 6} y={sy(t)} dy="0.32em" textAnchor="end">
                {formatValue(t)}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <g key={`x${t}`}>
              <line x1={sx(t)} x2={sx(t)} y1={MARGIN.top + plotH} y2={MARGIN.top + plotH + 5} />
              <text x={sx(t)} y={MARGIN.top + plotH + 17} textAnchor="middle">
                {formatValue(t)}
              </text>
            </g>
          ))}
        </g>
        <rect className="chart-frame" x={MARGIN.left} y={MARGIN.top} width={plotW} height={plotH} />
        <text className="chart-axis-label" x={MARGIN.left + plotW / 2} y={HEIGHT - 4} textAnchor="middle">
          {xLabel}
        </text>
        {series.map((s) => (
          <g key={s.label} data-testid="chart-series" data-series={s.label} data-points={s.points.length} stroke={s.color} fill={s.color}>
            <polyline fill="none" strokeWidth={1.6} points={s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')} />
            {s.points.length <= MAX_MARKERS &&
              s.points.map((p, i) => (
                <circle key={i} cx={sx(p.x)} cy={sy(p.y)} r={2} stroke="none">
                  <title>{`${s.label}: ${formatValue(p.y)} at ${xLabel} ${formatValue(p.x)}`}</title>
                </circle>
              ))}
          </g>
        ))}
      </svg>
      {series.length > 1 && (
        <ul className="chart-legend" data-testid="chart-legend">
          {series.map((s) => (
            <li key={s.label}>
              <span className="swatch" style={{ background: s.color }} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** Distinct colours for series, in order. */
export const SERIES_COLORS = ['#0b5fff', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a', '#1098ad', '#5c940d', '#862e9c'];
