/**
 * One run: its header, params, tags, metrics with their histories charted, datasets, logged
 * models and an artifacts browser with previews.
 */
import { getExperiment } from '../../api/tracking-api.js';
import { getRunDetail } from '../../api/run-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../routing/link.js';
import { paths } from '../../routing/paths.js';
import { ArtifactsBrowser } from './artifacts-browser.js';
import { DatasetsTable } from './datasets-table.js';
import { KeyValueTable } from './key-value-table.js';
import { LoggedModels } from './logged-models.js';
import { MetricsSection } from './metrics-section.js';
import { RunHeader } from './run-header.js';
import './run.css';

export function RunPage({ experimentId, runId }: { experimentId: string; runId: string }) {
  const [experiment] = useAsync(experimentId, (signal) => getExperiment(experimentId, signal));
  const [run] = useAsync(runId, (signal) => getRunDetail(runId, signal));
  const runLabel = run.status === 'done' ? (run.value.info.run_name ?? runId) : runId;
  return (
    <section className="run-page">
      <nav className="crumbs">
        <Link to={paths.experiments()}>Experiments</Link> / <Link to={paths.experiment(experimentId)}>{experiment.status === 'done' ? experiment.value.name : experimentId}</Link> /{' '}
        <span>{runLabel}</span>
      </nav>
      {experiment.status === 'error' && <ErrorBanner error={experiment.error} />}
      {run.status === 'loading' && <Progress label="Loading the run…" />}
      {run.status === 'error' && <ErrorBanner error={run.error} />}
      {run.status === 'done' && (
        <>
          <RunHeader run={run.value} />
          <div className="run-columns">
            <section>
              <h2>Parameters</h2>
              <KeyValueTable items={run.value.data.params ?? []} testId="params" empty="No parameters." />
            </section>
            <section>
              <h2>Tags</h2>
              <KeyValueTable items={(run.value.data.tags ?? []).filter((t) => !t.key.startsWith('mlflow.'))} testId="tags" empty="No tags." />
              <details className="system-tags">
                <summary>System tags</summary>
                <KeyValueTable items={(run.value.data.tags ?? []).filter((t) => t.key.startsWith('mlflow.'))} testId="system-tags" empty="None." />
              </details>
            </section>
          </div>
          <h2>Metrics</h2>
          <MetricsSection runId={runId} runLabel={runLabel} metrics={run.value.data.metrics ?? []} />
          <h2>Datasets</h2>
          <DatasetsTable inputs={run.value.inputs?.dataset_inputs ?? []} />
          <h2>Logged models</h2>
          <LoggedModels experimentId={run.value.info.experiment_id} runId={runId} />
          <h2>Artifacts</h2>
          <ArtifactsBrowser runId={runId} />
        </>
      )}
    </section>
  );
}
