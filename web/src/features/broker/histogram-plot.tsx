const WIDTH = 340;
const HEIGHT = 170;
const PAD = { left: 44, right: 10, top: 10, bottom: 34 };

/** One distribution over the plot's bins; `className` colours its bars and its legend swatch. */
export interface HistogramSeries {
  readonly key: string;
  readonly label: string;
  readonly counts: readonly number[];
  readonly className: string;
}

interface Props {
  /** bins + 1 increasing edges; equal edges (a constant value) make one bin at that value. */
  readonly edges: readonly number[];
  /** One or more distributions over the same bins, drawn over each other. */
  readonly series: readonly HistogramSeries[];
  readonly xLabel: string;
  readonly ariaLabel: string;
}

/**
 * Bars per bin, the value range below and the count scale at the left. Several series overlay
 * translucently (each bar spans its bin), with a legend: two models' scores on the same alerts
 * read as one picture.
 */
export function HistogramPlot({ edges, series, xLabel, ariaLabel }: Props) {
  const bins = edges.length - 1;
  const min = edges[0] ?? 0;
  const max = edges[bins] ?? min;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const highest = Math.max(1, ...series.flatMap((s) => s.counts));
  const barWidth = plotWidth / Math.max(1, bins);
  const bottom = PAD.top + plotHeight;
  const legend = series.length > 1;
  const formatTick = (value: number) => formatScore(value, max - min);
  return (
    <>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={ariaLabel}>
        {series.map((s) =>
          s.counts.map((count, i) => {
            const height = (count / highest) * plotHeight;
            return (
              <rect
                key={`${s.key}/${i}`}
                className={`histogram-bar ${s.className}${legend ? ' histogram-bar-overlaid' : ''}`}
                data-testid="histogram-bar"
                data-series={s.key}
                data-count={count}
                x={PAD.left + i * barWidth + 0.5}
                y={bottom - height}
                width={Math.max(barWidth - 1, 0.5)}
                height={height}
              >
                <title>{`${legend ? `${s.label}: ` : ''}${formatTick(edges[i]!)} to ${formatTick(edges[i + 1] ?? max)}: ${count}`}</title>
              </rect>
            );
          }),
        )}
        <line className="histogram-axis" x1={PAD.left} y1={bottom} x2={WIDTH - PAD.right} y2={bottom} />
        <line className="histogram-axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={bottom} />
        <text className="histogram-tick" x={PAD.left - 4} y={PAD.top + 4} textAnchor="end">
          {highest}
        </text>
        <text className="histogram-tick" x={PAD.left - 4} y={bottom} textAnchor="end">
          0
        </text>
        <text className="histogram-tick" x={PAD.left} y={bottom + 13} textAnchor="start" data-testid="histogram-min">
          {formatTick(min)}
        </text>
        {min !== max && (
          <>
            <text className="histogram-tick" x={PAD.left + plotWidth / 2} y={bottom + 13} textAnchor="middle">
              {formatTick((min + max) / 2)}
            </text>
            <text className="histogram-tick" x={WIDTH - PAD.right} y={bottom + 13} textAnchor="end" data-testid="histogram-max">
              {formatTick(max)}
            </text>
          </>
        )}
        <text className="histogram-axis-label" x={PAD.left + plotWidth / 2} y={HEIGHT - 4} textAnchor="middle">
          {xLabel}
        </text>
        <text className="histogram-axis-label" x={12} y={PAD.top + plotHeight / 2} textAnchor="middle" transform={`rotate(-90 12 ${PAD.top + plotHeight / 2})`}>
          alerts
        </text>
      </svg>
      {legend && (
        <ul className="histogram-legend" data-testid="histogram-legend">
          {series.map((s) => (
            <li key={s.key} data-series={s.key}>
              <span className={`histogram-swatch ${s.className}`} /> {s.label}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Equal bins from min to max, as the store's score histograms are cut. */
export function evenEdges(min: number, max: number, bins: number): number[] {
  const width = (max - min) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
}

/** A value with the decimals its range needs: 0.99991 and 1 stay apart when they span the axis. */
export function formatScore(value: number, span: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e6 || (value !== 0 && Math.abs(value) < 1e-6)) return value.toExponential(3);
  const decimals = span > 0 ? Math.min(10, Math.max(0, Math.ceil(-Math.log10(span)) + 2)) : 4;
  return String(Number(value.toFixed(decimals)));
}
