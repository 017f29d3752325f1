/** Requests the server answered: counted by route area, method and status, and timed. */
import type { MetricsRegistry } from '../../common/metrics/metrics-registry.js';

/** Methods Node's parser accepts but no route serves are counted together: a client cannot add series at will. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export type RequestObserver = (route: string, method: string, status: number, seconds: number) => void;

export function httpMetrics(registry: MetricsRegistry): RequestObserver {
  const requests = registry.counter('aviary_http_requests_total', 'HTTP requests answered, by route area, method and status.', ['route', 'method', 'status']);
  const duration = registry.histogram('aviary_http_request_duration_seconds', 'Time from a request received to its answer sent, in seconds.', ['route', 'method']);
  return (route, method, status, seconds) => {
    const known = METHODS.has(method) ? method : 'other';
    requests.inc({ route, method: known, status: String(status) });
    duration.observe(seconds, { route, method: known });
  };
}
