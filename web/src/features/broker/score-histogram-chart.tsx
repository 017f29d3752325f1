import type { ScoreHistogram } from '../../api/broker-api.js';
import { evenEdges, formatScore, HistogramPlot } from './histogram-plot.js';

/** One module output's distribution over the stored alerts. */
export function ScoreHistogramChart({ histogram }: { histogram: ScoreHistogram }) {
  const { counts, min, max } = histogram;
  const label = `${histogram.module} · ${histogram.output}`;
  return (
    <figure className="histogram" data-testid="histogram" data-module={histogram.module} data-output={histogram.output} data-total={histogram.total}>
      <figcaption>
        {label} <span className="histogram-total">({histogram.total.toLocaleString('en-US')} alerts)</span>
        {min === max && (
          <span className="histogram-constant" data-testid="histogram-constant">
            every value is {formatScore(min, 0)}
          </span>
        )}
      </figcaption>
      <HistogramPlot
        edges={evenEdges(min, max, counts.length)}
        series={[{ key: 'scores', label: histogram.output, counts, className: 'histogram-series-0' }]}
        xLabel={histogram.output}
        ariaLabel={`Histogram of ${label}`}
      />
    </figure>
  );
}
