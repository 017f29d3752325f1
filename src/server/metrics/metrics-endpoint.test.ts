// The bare metrics endpoint the broker starts: /metrics only, GET only, the Host check kept,
// a port in use named, and nothing answered once closed.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../common/metrics/metrics-registry.js';
import { parsePrometheusText } from '../../common/metrics/testing/parse-prometheus-text.js';
import { serveMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.js';

/** node:http, not fetch: fetch will not send a chosen Host. */
function send(url: string, method: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: host ? { Host: host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject).end();
  });
}

describe('serveMetricsEndpoint', () => {
  const registry = new MetricsRegistry();
  let endpoint: MetricsEndpoint;

  beforeAll(async () => {
    registry.counter('aviary_test_total', 'A test counter.').inc();
    endpoint = await serveMetricsEndpoint(registry, '127.0.0.1', 0);
  });
  afterAll(() => endpoint.close());

  it('answers GET /metrics with the registry, and refuses other paths, methods and Hosts', async () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const ok = await send(endpoint.url, 'GET');
    expect(ok.status).toBe(200);
    expect(parsePrometheusText(ok.body).value('aviary_test_total')).toBe(1);
    expect((await send(endpoint.url.replace('/metrics', '/other'), 'GET')).status).toBe(404);
    expect((await send(endpoint.url, 'POST')).status).toBe(405);
    expect((await send(endpoint.url, 'GET', 'evil.example')).status).toBe(403);
    expect((await send(endpoint.url, 'GET', `localhost:${new URL(endpoint.url).port}`)).status).toBe(200);
  });

  it('names the address of a port in use, and answers nothing once closed', async () => {
    const port = new URL(endpoint.url).port;
    await expect(serveMetricsEndpoint(registry, '127.0.0.1', Number(port))).rejects.toThrow(`127.0.0.1:${port} is already in use`);
    const other = await serveMetricsEndpoint(registry, '127.0.0.1', 0);
    await other.close();
    await expect(send(other.url, 'GET')).rejects.toThrow();
  });
});
