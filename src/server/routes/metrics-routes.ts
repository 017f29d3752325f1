/** GET /metrics: the server's metrics in Prometheus' text format (with --auth, behind the gate like every route). */
import type { MetricsRegistry } from '../../common/metrics/metrics-registry.js';
import { sendMetrics } from '../metrics/send-metrics.js';
import { RESPONDED, type Route } from '../router.js';

export function metricsRoutes(registry: MetricsRegistry): Route[] {
  return [{ method: 'GET', pattern: '/metrics', handler: async (r) => (await sendMetrics(r.res, registry), RESPONDED) }];
}
