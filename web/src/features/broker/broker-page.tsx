import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { replaceQuery, useLocation } from '../../routing/location.js';
import './broker.css';
import { DeadLettersSection } from './dead-letters-section.js';
import { FiltersTable } from './filters-table.js';
import { ModulesTable } from './modules-table.js';
import { RunPicker } from './run-picker.js';
import { formatInstant, RunSummary } from './run-summary.js';
import { StreamTable } from './stream-table.js';
import { ScoreHistogramChart } from './score-histogram-chart.js';
import { chosenRun, HISTOGRAM_BINS, useBrokerSnapshot } from './use-broker-snapshot.js';

/**
 * The broker: a run (the latest, or the one in `?run=`) with its modules, filters and
 * throughput, the distribution of every numeric module output over the stored alerts, and the
 * dead letters (of one module with `?module=`). Read again every 2 s while the run is running.
 */
export function BrokerPage() {
  const { query } = useLocation();
  const runId = query.get('run') ?? undefined;
  const module = query.get('module') ?? undefined;
  const { snapshot, error, live } = useBrokerSnapshot(runId, module);
  const run = snapshot ? chosenRun(snapshot.runs, runId) : undefined;
  return (
    <div className="broker-page" data-testid="broker-page">
      <div className="broker-head">
        <h1>Broker</h1>
        {live && snapshot && (
          <span className="broker-live" data-testid="live" data-loaded-at={snapshot.loadedAt}>
            live · updated {new Date(snapshot.loadedAt).toLocaleTimeString()}
          </span>
        )}
        {snapshot && snapshot.runs.length > 0 && <RunPicker runs={snapshot.runs} chosen={run?.runId} onChoose={(id) => replaceQuery({ run: id })} />}
      </div>
      <ErrorBanner error={error} />
      {!snapshot && !error && <Progress label="Reading the broker's runs…" />}
      {snapshot && snapshot.runs.length === 0 && (
        <p className="empty" data-testid="no-runs">
          No broker run has written to this data directory yet: start one with <span className="mono">aviary broker run</span>.
        </p>
      )}
      {snapshot && snapshot.runs.length > 0 && !run && (
        <p className="empty" data-testid="run-not-found">
          No broker run {runId} among the latest {snapshot.runs.length}.
        </p>
      )}
      {run && (
        <>
          <RunSummary run={run} />
          {run.stream && (
            <>
              <h2>Stream</h2>
              <StreamTable stream={run.stream} />
            </>
          )}
          <h2>Modules</h2>
          <ModulesTable modules={run.modules} />
          <h2>Filters</h2>
          <FiltersTable filters={run.filters} />
        </>
      )}
      {snapshot && (snapshot.runs.length > 0 || snapshot.histograms.length > 0) && (
        <>
          <h2>Scores</h2>
          <p className="meta">
            Every numeric module output over all stored alerts, in {HISTOGRAM_BINS} bins (read {formatInstant(new Date(snapshot.loadedAt).toISOString())}).
          </p>
          {snapshot.histograms.length === 0 ? (
            <p className="empty" data-testid="histograms-empty">
              No stored scores yet.
            </p>
          ) : (
            <div className="histograms" data-testid="histograms">
              {snapshot.histograms.map((h) => (
                <ScoreHistogramChart key={`${h.module}/${h.output}`} histogram={h} />
              ))}
            </div>
          )}
          <h2>Dead letters</h2>
          <DeadLettersSection
            deadLetters={snapshot.deadLetters}
            modules={run?.modules.map((m) => m.name) ?? []}
            module={module}
            onModule={(m) => replaceQuery({ module: m })}
          />
        </>
      )}
    </div>
  );
}
