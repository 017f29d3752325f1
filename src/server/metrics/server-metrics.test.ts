// GET /metrics of a real server over real HTTP: the requests this test makes are counted by
// route area, method and status; process figures and the latest broker run of each config are
// there; a scrape never creates alerts.db; the Host check holds; with --auth a scraper must
// authenticate (basic or bearer) as a user who may read alerts, even with public alerts.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuth, type OpenedAuth } from '../../app/open-auth.js';
import { configForDataDir, openAviary, type Aviary } from '../../app/open-aviary.js';
import { AuthService } from '../../auth/auth-service.js';
import type { BrokerRunStatus } from '../../broker/store/alert-store.js';
import { silentLogger } from '../../common/logger.js';
import { parsePrometheusText } from '../../common/metrics/testing/parse-prometheus-text.js';
import { createApp } from '../create-app.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
}

function runStatus(config: string, runId: string, startedAt: string, overrides: Partial<BrokerRunStatus> = {}): BrokerRunStatus {
  return {
    runId, state: 'finished', startedAt, updatedAt: startedAt, pid: 1, host: 'elsewhere', config,
    alertsRead: 10, alertsStored: 9, alertsPerSecond: 50, sourceDeadLetters: 1,
    modules: [{ name: 'snia', model: 'models:/snia@champion', modelName: 'snia', version: '3', state: 'degraded', scored: 8, deadLettered: 1 }],
    filters: [{ name: 'hot', expression: 'snia_score > 0.5', matched: 4, output: 'hot.jsonl' }],
    latencyMs: { p50: 12, p99: 250 },
    ...overrides,
  };
}

describe('GET /metrics without auth', () => {
  let dir: string;
  let aviary: Aviary;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-metrics-'));
    aviary = await openAviary(configForDataDir(dir), silentLogger);
    server = createApp(aviary, { version: '9.8.7' }, silentLogger);
    base = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    await aviary.close();
    await rm(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parsePrometheusText(await res.text());
  };

  it('counts the requests made, by route area, method and status, and times them', async () => {
    const before = await scrape();
    const counted = (labels: Record<string, string>) => {
      try {
        return before.value('aviary_http_requests_total', labels);
      } catch {
        return 0;
      }
    };
    const searches = counted({ route: 'mlflow/experiments', method: 'GET', status: '200' });
    const missing = counted({ route: 'unmatched', method: 'GET', status: '404' });
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/api/2.0/mlflow/experiments/search?max_results=10`)).status).toBe(200);
    expect((await fetch(`${base}/ajax-api/2.0/mlflow/experiments/search?max_results=10`)).status).toBe(200);
    expect((await fetch(`${base}/api/2.0/mlflow/no-such-thing/${'x'.repeat(30)}`)).status).toBe(404);
    expect((await fetch(`${base}/api/2.0/mlflow/experiments/get?experiment_id=424242`)).status).toBe(404);
    expect((await fetch(`${base}/health`)).status).toBe(200);

    const after = await scrape();
    expect(after.value('aviary_http_requests_total', { route: 'mlflow/experiments', method: 'GET', status: '200' })).toBe(searches + 4);
    expect(after.value('aviary_http_requests_total', { route: 'mlflow/experiments', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(after.value('aviary_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(missing + 1);
    expect(after.value('aviary_http_requests_total', { route: 'health', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    // The scrape before this one was counted once it was answered.
    expect(after.value('aviary_http_requests_total', { route: 'metrics', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    // No raw path becomes a label value.
    expect(after.samples('aviary_http_requests_total').every((s) => !s.labels.route!.includes('x'.repeat(30)))).toBe(true);
    const requests = after.samples('aviary_http_requests_total').filter((s) => s.labels.route === 'mlflow/experiments' && s.labels.method === 'GET');
    expect(after.value('aviary_http_request_duration_seconds_count', { route: 'mlflow/experiments', method: 'GET' })).toBe(requests.reduce((n, s) => n + s.value, 0));
  });

  it('gives the process figures and the version', async () => {
    const metrics = await scrape();
    expect(metrics.value('aviary_build_info', { version: '9.8.7' })).toBe(1);
    expect(metrics.value('aviary_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(metrics.value('aviary_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(Math.abs(metrics.value('aviary_process_start_time_seconds') - (Date.now() / 1000 - process.uptime()))).toBeLessThan(5);
    expect(metrics.value('aviary_process_open_fds')).toBeGreaterThan(3);
    expect(metrics.value('aviary_process_max_fds')).toBeGreaterThanOrEqual(metrics.value('aviary_process_open_fds'));
  });

  it('reads no broker run and creates no alerts.db while there is none, then gives the latest run of each config', async () => {
    expect((await scrape()).value('aviary_broker_runs_readable')).toBe(1);
    expect(existsSync(join(dir, 'alerts.db'))).toBe(false);

    const a = '/srv/a/broker.yaml';
    const b = '/srv/b "quoted" broker.yaml';
    await aviary.alerts.saveRunStatus(runStatus(a, 'r1', '2026-01-01T00:00:00.000Z', { alertsRead: 100 }));
    await aviary.alerts.saveRunStatus(runStatus(b, 'r2', '2026-01-01T01:00:00.000Z', { state: 'failed' }));
    await aviary.alerts.saveRunStatus(runStatus(a, 'r3', '2026-01-01T02:00:00.000Z', { alertsRead: 7, latencyMs: undefined }));
    const metrics = await scrape();
    expect(metrics.value('aviary_broker_run_alerts_read_total', { config: a })).toBe(7);
    expect(metrics.value('aviary_broker_run_alerts_read_total', { config: b })).toBe(10);
    expect(metrics.value('aviary_broker_run_start_time_seconds', { config: a })).toBe(Date.parse('2026-01-01T02:00:00.000Z') / 1000);
    expect(metrics.value('aviary_broker_run_state', { config: b, state: 'failed' })).toBe(1);
    expect(metrics.value('aviary_broker_run_state', { config: b, state: 'running' })).toBe(0);
    expect(metrics.value('aviary_broker_run_module_state', { config: b, module: 'snia', state: 'degraded' })).toBe(1);
    expect(metrics.value('aviary_broker_run_module_scored_total', { config: a, module: 'snia' })).toBe(8);
    expect(metrics.value('aviary_broker_run_filter_matched_total', { config: a, filter: 'hot' })).toBe(4);
    expect(metrics.value('aviary_broker_run_alert_latency_seconds', { config: b, quantile: '0.99' })).toBe(0.25);
    expect(metrics.samples('aviary_broker_run_alert_latency_seconds').filter((s) => s.labels.config === a)).toEqual([]);
  });

  it('answers /metrics only for an allowed Host, with the API headers', async () => {
    // node:http: fetch will not send a chosen Host.
    const refused = await new Promise<number>((done, fail) =>
      request(`${base}/metrics`, { headers: { Host: 'evil.example' } }, (res) => (res.resume(), done(res.statusCode!))).on('error', fail).end(),
    );
    expect(refused).toBe(403);
    const ok = await fetch(`${base}/metrics`);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'none'");
    await ok.text();
    const metrics = await scrape();
    expect(metrics.value('aviary_http_requests_total', { route: 'refused', method: 'GET', status: '403' })).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /metrics with --auth', () => {
  let dir: string;
  let aviary: Aviary;
  let auth: OpenedAuth;
  const servers: Server[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-metrics-auth-'));
    aviary = await openAviary(configForDataDir(dir), silentLogger);
    auth = await openAuth(configForDataDir(dir).backendStoreUri, { defaultPermission: 'READ', adminUsername: 'admin', adminPassword: 'admin-pw', publicAlerts: true, credentialCacheSeconds: 60 });
    await auth.service.createUser('scraper', 'scraper-pw');
  });
  afterAll(async () => {
    for (const server of servers) await close(server);
    await auth.close();
    await aviary.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(service: AuthService): Promise<string> {
    const server = createApp(aviary, { version: 'test', auth: service }, silentLogger);
    servers.push(server);
    return listen(server);
  }

  it('refuses a scrape without credentials even with public alerts, and answers basic auth and a bearer token', async () => {
    const base = await serve(auth.service);
    const anonymous = await fetch(`${base}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="aviary"');
    expect((await fetch(`${base}/api/aviary/broker/runs`)).status).toBe(200); // public alerts stay public
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: basic('scraper', 'wrong') } })).status).toBe(401);

    const byPassword = await fetch(`${base}/metrics`, { headers: { Authorization: basic('scraper', 'scraper-pw') } });
    expect(byPassword.status).toBe(200);
    const text = await byPassword.text();
    expect(text).not.toContain('scraper-pw');
    parsePrometheusText(text);

    const scraper = (await auth.service.store.getUser('scraper'))!;
    const { secret } = await auth.service.createToken(scraper, 'prometheus', 30);
    const byToken = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(byToken.status).toBe(200);
    expect(await byToken.text()).not.toContain(secret);
  });

  it('refuses a user who may not read alerts (default NO_PERMISSIONS), and answers an admin', async () => {
    const base = await serve(new AuthService(auth.service.store, { ...auth.service.config, defaultPermission: 'NO_PERMISSIONS' }));
    const user = await fetch(`${base}/metrics`, { headers: { Authorization: basic('scraper', 'scraper-pw') } });
    expect(user.status).toBe(403);
    expect(((await user.json()) as { error_code: string }).error_code).toBe('PERMISSION_DENIED');
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: basic('admin', 'admin-pw') } })).status).toBe(200);
  });
});
