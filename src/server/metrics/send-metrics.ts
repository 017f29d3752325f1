/** A registry's scrape as the answer to a request: the server's /metrics and the broker's endpoint answer alike. */
import type { ServerResponse } from 'node:http';
import type { MetricsRegistry } from '../../common/metrics/metrics-registry.js';
import { PROMETHEUS_CONTENT_TYPE } from '../../common/metrics/prometheus-text.js';

export async function sendMetrics(res: ServerResponse, registry: MetricsRegistry): Promise<void> {
  const text = await registry.render();
  res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
