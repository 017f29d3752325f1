/**
 * The server's metrics: its version, the process, the requests it answered (counted by
 * http-metrics.ts as createApp wires it) and the broker runs saved in the alert store.
 */
import type { Aviary } from '../../app/open-aviary.js';
import { LazyAlertStore } from '../../broker/store/lazy-alert-store.js';
import { MetricsRegistry } from '../../common/metrics/metrics-registry.js';
import { processMetrics } from '../../common/metrics/process-metrics.js';
import { brokerRunMetrics } from './broker-run-metrics.js';

export function serverMetrics(aviary: Pick<Aviary, 'alerts'>, version: string): MetricsRegistry {
  const registry = new MetricsRegistry();
  registry.gauge('aviary_build_info', 'The version of Aviary serving (always 1).', ['version']).set(1, { version });
  registry.collect(processMetrics());
  const { alerts } = aviary;
  // A scrape never creates alerts.db: a server that holds no alerts reports no runs.
  registry.collect(brokerRunMetrics((limit) => (alerts instanceof LazyAlertStore ? alerts.runStatusesIfStored(limit) : alerts.runStatuses(limit))));
  return registry;
}
