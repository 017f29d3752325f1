/**
 * What the server knows of broker runs: for each broker config (its file), the latest run's
 * figures as that run last saved them (every 2 s while it runs), read from the alert store at
 * each scrape. A run's counters restart with the next run of its config, which Prometheus reads
 * as a counter reset. The broker process's own endpoint (`aviary broker run --metrics-port`) has
 * the finer figures (stage times, latency histograms).
 */
import { MODULE_STATES, type BrokerRunStatus } from '../../broker/store/alert-store.js';
import { stateSamples, valueFamily, type MetricFamily, type MetricsCollector, type ValueSample } from '../../common/metrics/metric-family.js';

/** Saved runs read per scrape, newest first: enough to find the latest of every config in use. */
const RUNS_READ = 50;
const RUN_STATES: readonly BrokerRunStatus['state'][] = ['running', 'finished', 'failed', 'interrupted'];

export function brokerRunMetrics(readRuns: (limit: number) => Promise<readonly BrokerRunStatus[]>): MetricsCollector {
  return async () => {
    let runs: readonly BrokerRunStatus[];
    try {
      runs = await readRuns(RUNS_READ);
    } catch {
      return [readable(0)];
    }
    // Newest first: the first run of each config is its latest.
    const latest = runs.filter((run, i) => runs.findIndex((r) => r.config === run.config) === i);
    const perRun = (value: (run: BrokerRunStatus) => number | undefined): ValueSample[] =>
      latest.flatMap((run) => {
        const v = value(run);
        return v === undefined || Number.isNaN(v) ? [] : [{ labels: { config: run.config }, value: v }];
      });
    const perModule = (value: (module: BrokerRunStatus['modules'][number]) => number): ValueSample[] =>
      latest.flatMap((run) => run.modules.map((m) => ({ labels: { config: run.config, module: m.name }, value: value(m) })));
    const families: MetricFamily[] = [
      readable(1),
      valueFamily('gauge', 'aviary_broker_run_state', "The state of each broker config's latest run (1 for its state, 0 for the others).", latest.flatMap((run) => stateSamples(RUN_STATES, run.state, { config: run.config }))),
      valueFamily('gauge', 'aviary_broker_run_start_time_seconds', "When each broker config's latest run started, since the Unix epoch.", perRun((run) => Date.parse(run.startedAt) / 1000)),
      valueFamily('gauge', 'aviary_broker_run_heartbeat_time_seconds', "When each broker config's latest run last saved its status, since the Unix epoch.", perRun((run) => Date.parse(run.updatedAt) / 1000)),
      valueFamily('counter', 'aviary_broker_run_alerts_read_total', "Alerts read by each broker config's latest run.", perRun((run) => run.alertsRead)),
      valueFamily('counter', 'aviary_broker_run_alerts_stored_total', "Alerts stored by each broker config's latest run.", perRun((run) => run.alertsStored)),
      valueFamily('counter', 'aviary_broker_run_source_dead_letters_total', "Alerts of each broker config's latest run that could not be read or stored.", perRun((run) => run.sourceDeadLetters)),
      valueFamily('gauge', 'aviary_broker_run_alerts_per_second', "Alerts stored per second by each broker config's latest run, since its first alert.", perRun((run) => run.alertsPerSecond)),
      valueFamily('gauge', 'aviary_broker_run_alert_latency_seconds', "Latency from an alert read to its row stored, at a quantile, in each broker config's latest run.", latest.flatMap((run) =>
        run.latencyMs ? [{ labels: { config: run.config, quantile: '0.5' }, value: run.latencyMs.p50 / 1000 }, { labels: { config: run.config, quantile: '0.99' }, value: run.latencyMs.p99 / 1000 }] : [],
      )),
      valueFamily('counter', 'aviary_broker_run_module_scored_total', "Alerts each module scored in its broker config's latest run.", perModule((m) => m.scored)),
      valueFamily('counter', 'aviary_broker_run_module_dead_letters_total', "Alerts each module dead-lettered in its broker config's latest run.", perModule((m) => m.deadLettered)),
      valueFamily('gauge', 'aviary_broker_run_module_state', "Each module's state in its broker config's latest run (1 for its state, 0 for the others).", latest.flatMap((run) =>
        run.modules.flatMap((m) => stateSamples(MODULE_STATES, m.state, { config: run.config, module: m.name })),
      )),
      valueFamily('counter', 'aviary_broker_run_filter_matched_total', "Alerts each filter matched in its broker config's latest run.", latest.flatMap((run) =>
        run.filters.map((f) => ({ labels: { config: run.config, filter: f.name }, value: f.matched })),
      )),
    ];
    return families;
  };
}

function readable(ok: 0 | 1): MetricFamily {
  return valueFamily('gauge', 'aviary_broker_runs_readable', "1 when the broker runs could be read from the alert store at this scrape, else 0 (the figures below are then missing).", [{ labels: {}, value: ok }]);
}
