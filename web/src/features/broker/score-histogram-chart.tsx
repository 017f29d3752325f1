import type { ScoreHistogram } from '../../api/broker-api.js';

const WIDTH = 340;
const HEIGHT = 170;
const PAD = { left: 44, right: 10, top: 10, bottom: 34 };

/** One module output's distribution: a bar per bin, the value range below, the count scale at the left. */
export function ScoreHistogramChart({ histogram }: { histogram: ScoreHistogram }) {
  const { counts, min, max } = histogram;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const highest = Math.max(1, ...counts);
  const barWidth = plotWidth / counts.length;
  const binWidth = (max - min) / counts.length;
  const bottom = PAD.top + plotHeight;
  const label = `${histogram.module} · ${histogram.output}`;
  const formatTick = (value: number) => formatScore(value, max - min);
  return (
    <figure className="histogram" data-testid="histogram" data-module={histogram.module} data-output={histogram.output} data-total={histogram.total}>
      <figcaption>
        {label} <span className="histogram-total">({histogram.total.toLocaleString('en-US')} alerts)</span>
        {min === max && (
          <span className="histogram-constant" data-testid="histogram-constant">
            every value is {formatTick(min)}
          </span>
        )}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={`Histogram of ${label}`}>
        {counts.map((count, i) => {
          const height = (count / highest) * plotHeight;
          const from = min + i * binWidth;
          const to = i === counts.length - 1 ? max : min + (i + 1) * binWidth;
          return (
            <rect
              key={i}
              className="histogram-bar"
              data-testid="histogram-bar"
              data-count={count}
              x={PAD.left + i * barWidth + 0.5}
              y={bottom - height}
              width={Math.max(barWidth - 1, 0.5)}
              height={height}
            >
              <title>{`${formatTick(from)} to ${formatTick(to)}: ${count}`}</title>
            </rect>
          );
        })}
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
          {histogram.output}
        </text>
        <text className="histogram-axis-label" x={12} y={PAD.top + plotHeight / 2} textAnchor="middle" transform={`rotate(-90 12 ${PAD.top + plotHeight / 2})`}>
          alerts
        </text>
      </svg>
    </figure>
  );
}

/** A value with the decimals its range needs: 0.99991 and 1 stay apart when they span the axis. */
export function formatScore(value: number, span: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e6 || (value !== 0 && Math.abs(value) < 1e-6)) return value.toExponential(3);
  const decimals = span > 0 ? Math.min(10, Math.max(0, Math.ceil(-Math.log10(span)) + 2)) : 4;
  return String(Number(value.toFixed(decimals)));
}
