/**
 * Several runs side by side (?runs=a,b,c): their params (rows whose values differ are marked),
 * their metrics' latest values, and each ticked metric's histories overlaid in one chart.
 */
import { getRunDetail, type RunDetail } from '../../api/run-api.js';
import { getExperiment } from '../../api/tracking-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../routing/link.js';
import { useLocation } from '../../routing/location.js';
import { paths } from '../../routing/paths.js';
import { SERIES_COLORS } from '../run/line-chart.js';
import '../run/run.css';
import './compare.css';
import { CompareMetrics } from './compare-metrics.js';
import { CompareParams } from './compare-params.js';

export interface ComparedRun {
  run: RunDetail;
  /** The run's name, made unique among the compared runs. */
  label: string;
  color: string;
}

export function ComparePage({ experimentId }: { experimentId: string }) {
  const { query } = useLocation();
  const runIds = (query.get('runs') ?? '').split(',').filter(Boolean);
  const [experiment] = useAsync(experimentId, (signal) => getExperiment(experimentId, signal));
  const [runs] = useAsync(runIds.join(','), (signal) => Promise.all(runIds.map((id) => getRunDetail(id, signal))));
  return (
    <section className="compare-page">
      <nav className="crumbs">
        <Link to={paths.experiments()}>Experiments</Link> / <Link to={paths.experiment(experimentId)}>{experiment.status === 'done' ? experiment.value.name : experimentId}</Link> /{' '}
        <span>Compare runs</span>
      </nav>
      {experiment.status === 'error' && <ErrorBanner error={experiment.error} />}
      {runIds.length < 2 && <p className="empty">Choose at least two runs to compare (?runs=id1,id2).</p>}
      {runIds.length > 0 && runs.status === 'loading' && <Progress label={`Loading ${runIds.length} runs…`} />}
      {runs.status === 'error' && <ErrorBanner error={runs.error} />}
      {runIds.length > 0 && runs.status === 'done' && <Compared experimentId={experimentId} runs={labelled(runs.value)} />}
    </section>
  );
}

function Compared({ experimentId, runs }: { experimentId: string; runs: ComparedRun[] }) {
  return (
    <>
      <h1>Comparing {runs.length} runs</h1>
      <ul className="compared-runs" data-testid="compared-runs">
        {runs.map(({ run, label, color }) => (
          <li key={run.info.run_id}>
            <span className="swatch" style={{ background: color }} />
            <Link to={paths.run(experimentId, run.info.run_id)}>{label}</Link> <span className="meta">{run.info.status}</span>
          </li>
        ))}
      </ul>
      <h2>Parameters</h2>
      <CompareParams runs={runs} />
      <h2>Metrics</h2>
      <CompareMetrics runs={runs} />
    </>
  );
}

function labelled(runs: RunDetail[]): ComparedRun[] {
  const names = runs.map((r) => r.info.run_name ?? r.info.run_id);
  return runs.map((run, i) => ({
    run,
    label: names.indexOf(names[i]!) === names.lastIndexOf(names[i]!) ? names[i]! : `${names[i]} (${run.info.run_id.slice(0, 6)})`,
    color: SERIES_COLORS[i % SERIES_COLORS.length]!,
  }));
}
