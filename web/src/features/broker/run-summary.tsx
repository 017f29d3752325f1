import type { BrokerRunStatus } from '../../api/broker-api.js';
import { formatValue } from '../../components/format.js';

/** A run's state, times, throughput and latency. */
export function RunSummary({ run }: { run: BrokerRunStatus }) {
  const facts: [string, string, string][] = [
    ['started', 'Started', formatInstant(run.startedAt)],
    ['updated', 'Updated', formatInstant(run.updatedAt)],
    ...(run.finishedAt ? [['finished', 'Finished', formatInstant(run.finishedAt)] as [string, string, string]] : []),
    ['alerts-read', 'Alerts read', run.alertsRead.toLocaleString('en-US')],
    ['alerts-stored', 'Alerts stored', run.alertsStored.toLocaleString('en-US')],
    ['alerts-per-second', 'Alerts/s', formatValue(Math.round(run.alertsPerSecond * 10) / 10)],
    ['latency', 'Latency p50 / p99', run.latencyMs ? `${formatValue(run.latencyMs.p50)} ms / ${formatValue(run.latencyMs.p99)} ms` : '—'],
    ['source-dead-letters', 'Source dead letters', run.sourceDeadLetters.toLocaleString('en-US')],
  ];
  return (
    <section className="broker-summary" data-testid="run-summary" data-run-id={run.runId} data-state={run.state}>
      <p className="meta">
        <span className={`run-state run-state-${run.state}`} data-testid="run-state">
          {run.state}
        </span>{' '}
        run <span className="mono">{run.runId}</span> of <span className="mono">{run.config}</span>
      </p>
      {run.error && (
        <div className="error" role="alert" data-testid="run-error">
          {run.error}
        </div>
      )}
      <dl className="broker-facts">
        {facts.map(([key, label, value]) => (
          <div key={key} data-fact={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** An ISO time as local date and time, to the second. */
export function formatInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
