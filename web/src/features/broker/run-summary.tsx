import type { BrokerRunStatus } from '../../api/broker-api.js';
import { formatValue } from '../../components/format.js';

/** A run's state, times, throughput and latency. */
export function RunSummary({ run }: { run: BrokerRunStatus }) {
  const facts: Fact[] = [
    ['started', 'Started', formatInstant(run.startedAt)],
    ['updated', 'Updated', formatInstant(run.updatedAt)],
    ...(run.finishedAt ? [['finished', 'Finished', formatInstant(run.finishedAt)] as Fact] : []),
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
      <FactList facts={facts} />
    </section>
  );
}

/** A figure: its key (data-fact), label, text, and the exact number it shows (data-value), if one. */
export type Fact = readonly [key: string, label: string, text: string, value?: number | null];

/** Figures side by side, each found by its key. */
export function FactList({ facts }: { facts: readonly Fact[] }) {
  return (
    <dl className="broker-facts">
      {facts.map(([key, label, text, value]) => (
        <div key={key} data-fact={key} data-value={value === undefined ? undefined : (value ?? '')}>
          <dt>{label}</dt>
          <dd>{text}</dd>
        </div>
      ))}
    </dl>
  );
}

/** An ISO time as local date and time, to the second. */
export function formatInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
