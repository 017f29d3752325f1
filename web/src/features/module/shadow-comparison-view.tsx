import type { ShadowComparison } from '../../api/module-api.js';
import { formatValue } from '../../components/format.js';
import { HistogramPlot } from '../broker/histogram-plot.js';
import { FactList, type Fact } from '../broker/run-summary.js';
import { DisagreementsTable } from './disagreements-table.js';
import { LabelMetricsTable } from './label-metrics-table.js';

const versionsText = (versions: readonly (string | null)[]) => (versions.length === 0 ? '' : ` v${versions.map((v) => v ?? '—').join(', v')}`);

/** One shadow alias against the module's own scores: the summary numbers, both distributions, the largest disagreements, the label metrics. */
export function ShadowComparisonView({ comparison, championAlias, output, threshold }: { comparison: ShadowComparison; championAlias: string | null; output: string; threshold: number }) {
  const c = comparison;
  const championLabel = `${championAlias ? `@${championAlias}` : 'module'}${versionsText(c.championVersions)}`;
  const shadowLabel = `@${c.alias}${versionsText(c.shadowVersions)}`;
  const number = (value: number | null) => (value === null ? '—' : formatValue(value));
  const facts: Fact[] = [
    ['count', 'Alerts both scored', c.count.toLocaleString('en-US'), c.count],
    ['agreement', `Agreement at ${threshold}`, c.agreement === null ? '—' : `${formatValue(Math.round(c.agreement * 10000) / 100)} %`, c.agreement],
    ['correlation', 'Correlation', number(c.correlation), c.correlation],
    ['mean-abs-difference', 'Mean |difference|', number(c.meanAbsDifference), c.meanAbsDifference],
    ['max-abs-difference', 'Max |difference|', number(c.maxAbsDifference), c.maxAbsDifference],
  ];
  return (
    <section className="shadow-comparison" data-testid="shadow-comparison" data-alias={c.alias}>
      <h3>
        {shadowLabel} against {championLabel}
      </h3>
      {c.count === 0 ? (
        <p className="empty" data-testid="comparison-no-overlap">
          No alert scored by both yet: the comparison starts with the first alerts a broker run scores with the module and @{c.alias} together.
        </p>
      ) : (
        <>
          <FactList facts={facts} />
          <div className="comparison-body">
            <figure className="histogram" data-testid="comparison-histogram">
              <figcaption>{output} on the same alerts</figcaption>
              <HistogramPlot
                edges={c.histogram.edges}
                series={[
                  { key: 'champion', label: championLabel, counts: c.histogram.champion, className: 'histogram-series-0' },
                  { key: 'shadow', label: shadowLabel, counts: c.histogram.shadow, className: 'histogram-series-1' },
                ]}
                xLabel={output}
                ariaLabel={`${output} of ${championLabel} and ${shadowLabel}`}
              />
            </figure>
            {c.labels && <LabelMetricsTable labels={c.labels} championLabel={championLabel} shadowLabel={shadowLabel} />}
          </div>
          <h4>Largest disagreements</h4>
          <DisagreementsTable rows={c.disagreements} championLabel={championLabel} shadowLabel={shadowLabel} />
        </>
      )}
    </section>
  );
}
