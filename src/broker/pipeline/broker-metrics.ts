/**
 * What a running broker exports (`aviary broker run --metrics-port`): read at each scrape from
 * where the run already keeps it (the tally, the modules, the batches in flight), so the
 * pipeline does no work for metrics between scrapes beyond the histograms' counts.
 */
import type { Histogram } from '../../common/metrics/histogram.js';
import { stateSamples, valueFamily, type MetricFamily, type MetricsCollector, type ValueSample } from '../../common/metrics/metric-family.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { MODULE_STATES, type ModuleStatus } from '../store/alert-store.js';
import type { StageTimes } from './broker-run.js';
import type { InFlight } from './in-flight.js';
import type { RunTally } from './run-tally.js';

/** What a loaded module gives besides its status (a ModelModule). */
export interface ModuleMetricsSource {
  readonly config: { readonly name: string };
  readonly modelCallSeconds: Histogram;
  workerRestarts(): number;
}

export interface BrokerMetricsOptions {
  readonly config: BrokerConfig;
  readonly tally: RunTally;
  readonly inFlight: InFlight;
  /** Every configured module's status, loading ones included. */
  readonly modules: () => readonly ModuleStatus[];
  /** The modules loaded so far (none while loading). */
  readonly loaded: () => readonly ModuleMetricsSource[];
}

const STAGES: readonly [string, keyof StageTimes][] = [
  ['decode', 'decodeMs'],
  ['preprocessing', 'preprocessingMs'],
  ['model', 'modelMs'],
  ['store', 'storeMs'],
  ['filters', 'filtersMs'],
];

export function brokerMetrics(options: BrokerMetricsOptions): MetricsCollector {
  const { config, tally, inFlight } = options;
  const one = (value: number): ValueSample[] => [{ labels: {}, value }];
  return () => {
    const modules = options.modules();
    const loaded = options.loaded();
    const perModule = (value: (m: ModuleStatus) => number) => modules.map((m) => ({ labels: { module: m.name }, value: value(m) }));
    const families: MetricFamily[] = [
      valueFamily('gauge', 'aviary_broker_run_start_time_seconds', 'When this broker run started, since the Unix epoch.', one(tally.startedAt.getTime() / 1000)),
      valueFamily('counter', 'aviary_broker_alerts_read_total', 'Alerts read from the source.', one(tally.alertsRead)),
      valueFamily('counter', 'aviary_broker_alerts_stored_total', 'Alerts written to the alert store (new and replayed).', one(tally.alertsStored)),
      valueFamily('counter', 'aviary_broker_alerts_inserted_total', 'Alerts stored that were not stored before.', one(tally.alertsInserted)),
      valueFamily('counter', 'aviary_broker_source_dead_letters_total', 'Alerts that could not be read, or that the store refused.', one(tally.sourceDeadLetters)),
      valueFamily('counter', 'aviary_broker_module_scored_total', 'Alerts each module scored.', perModule((m) => m.scored)),
      valueFamily('counter', 'aviary_broker_module_dead_letters_total', 'Alerts each module could not score (dead-lettered for it alone).', perModule((m) => m.deadLettered)),
      valueFamily('gauge', 'aviary_broker_module_state', "Each module's state (1 for its state, 0 for the others).", modules.flatMap((m) => stateSamples(MODULE_STATES, m.state, { module: m.name }))),
      valueFamily('counter', 'aviary_broker_module_worker_restarts_total', "Restarts of each module's worker processes (after a crash or a timeout).", loaded.map((m) => ({ labels: { module: m.config.name }, value: m.workerRestarts() }))),
      { name: 'aviary_broker_module_model_call_seconds', help: "Time of one call to a module's model for a batch, its preprocessing step included, in seconds.", type: 'histogram', samples: loaded.map((m) => m.modelCallSeconds.sample({ module: m.config.name })) },
      valueFamily('counter', 'aviary_broker_filter_matched_total', 'Alerts each filter matched (and wrote to its output).', config.filters.map((f) => ({ labels: { filter: f.name }, value: tally.matched.get(f.name) ?? 0 }))),
      valueFamily('gauge', 'aviary_broker_batches_in_flight', 'Batches read and not yet stored.', one(inFlight.size)),
      valueFamily('gauge', 'aviary_broker_batches_in_flight_limit', 'Most batches between read and stored at once (backpressure).', one(inFlight.limit)),
      valueFamily('counter', 'aviary_broker_stage_seconds_total', 'Time spent in each stage, summed over batches (stages of different batches overlap), in seconds.', STAGES.map(([stage, key]) => ({ labels: { stage }, value: tally.stages[key] / 1000 }))),
      { name: 'aviary_broker_alert_latency_seconds', help: 'Time from an alert read to its row stored, in seconds.', type: 'histogram', samples: [tally.latencySeconds.sample()] },
    ];
    return families;
  };
}
