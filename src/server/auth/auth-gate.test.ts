// The auth gate over real HTTP and a real SQLite database: 401 and 403 in MLflow's shape, every
// mounted route with a rule (fail closed otherwise), whoami, tokens and their revocation,
// searches filtered with correct paging, aliases needing MANAGE, events naming their user.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuth, type OpenedAuth } from '../../app/open-auth.js';
import { openAviary, type Aviary } from '../../app/open-aviary.js';
import { silentLogger } from '../../common/logger.js';
import type { RegistryEvent } from '../../registry/registry-events.js';
import { createApp, createRouter } from '../create-app.js';
import { createHttpServer } from '../http-server.js';
import { Router } from '../router.js';
import { AuthGate } from './auth-gate.js';
import { routeRules, ruleKey } from './route-rules.js';

const ADMIN_PW = 'admin-pw-7c1f';
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('auth gate', () => {
  let dir: string;
  let aviary: Aviary;
  let auth: OpenedAuth;
  let server: Server;
  let base: string;
  const events: RegistryEvent[] = [];

  async function call(method: string, path: string, authorization?: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`}`, {
      method,
      headers: { ...(authorization && { Authorization: authorization }), ...(body !== undefined && { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: (res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : {}) as Record<string, any> };
  }
  const admin = basic('admin', ADMIN_PW);
  const alice = basic('alice', 'alice-pw');
  const bob = basic('bob', 'bob-pw');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-auth-gate-'));
    const backendStoreUri = `sqlite:///${dir}/aviary.db`;
    aviary = await openAviary({ backendStoreUri, artifactsDestination: join(dir, 'artifacts') }, silentLogger);
    auth = await openAuth(backendStoreUri, { defaultPermission: 'READ', adminUsername: 'admin', adminPassword: ADMIN_PW, publicAlerts: false, credentialCacheSeconds: 60 });
    aviary.registry.events.subscribe((e) => events.push(e));
    server = createApp(aviary, { version: 'test', auth: auth.service }, silentLogger);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [u, p] of [['alice', 'alice-pw'], ['bob', 'bob-pw']]) expect((await call('POST', 'users/create', admin, { username: u, password: p })).status).toBe(200);
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await auth.close();
    await aviary.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 401 UNAUTHENTICATED with a Basic challenge, without one for the web UI, and never echoes a password', async () => {
    const none = await call('POST', 'experiments/delete', undefined, { experiment_id: '0' });
    expect(none.status).toBe(401);
    expect(none.json.error_code).toBe('UNAUTHENTICATED');
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="aviary"');
    const ui = await call('GET', 'experiments/search', undefined, undefined, { 'X-Requested-With': 'aviary-ui' });
    expect(ui.status).toBe(401);
    expect(ui.headers.get('www-authenticate')).toBeNull();
    const wrong = await call('GET', 'experiments/search', basic('alice', 'guess-Zq9'));
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('guess-Zq9');
    expect((await call('GET', 'experiments/search', 'Bearer avt_not-a-token')).status).toBe(401);
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/version')).status).toBe(200);
    // Default experiment 0 still exists: the unauthenticated delete did nothing.
    expect((await call('GET', 'experiments/get?experiment_id=0', admin)).json.experiment.lifecycle_stage).toBe('active');
  });

  it('has a rule for every mounted route', () => {
    const router = createRouter(aviary, { version: 'test', auth: auth.service });
    const table = routeRules(aviary.tracking, auth.service, aviary.alerts);
    const routes = router.list();
    expect(routes.length).toBeGreaterThan(100);
    expect(routes.filter((r) => !table.has(ruleKey(r.method, r.pattern)))).toEqual([]);
  });

  it('refuses a route without a rule to everyone but admins (fail closed)', async () => {
    const router = new Router().add('GET', '/api/aviary/unruled', () => ({ ok: true }));
    const gate = new AuthGate(auth.service, new Map());
    router.wrapHandlers((m, p, h) => gate.wrap(m, p, h));
    const s = createHttpServer(router, silentLogger);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/api/aviary/unruled`;
    try {
      const refused = await fetch(url, { headers: { Authorization: alice } });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error_code: string }).error_code).toBe('PERMISSION_DENIED');
      expect((await fetch(url, { headers: { Authorization: admin } })).status).toBe(200);
      expect((await fetch(url)).status).toBe(401);
    } finally {
      await new Promise((r) => s.close(r));
    }
  });

  it('gives the creator MANAGE, others the default READ, and answers 403 PERMISSION_DENIED beyond it', async () => {
    const { json } = await call('POST', 'experiments/create', alice, { name: 'alice-exp' });
    const id = json.experiment_id as string;
    expect((await call('GET', `experiments/get?experiment_id=${id}`, bob)).status).toBe(200);
    const refused = await call('POST', 'runs/create', bob, { experiment_id: id });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ error_code: 'PERMISSION_DENIED', message: expect.stringContaining(`EDIT on experiment ${id}`) });
    const run = (await call('POST', 'runs/create', alice, { experiment_id: id })).json.run.info.run_id as string;
    expect((await call('POST', 'runs/log-metric', bob, { run_id: run, key: 'm', value: 1, timestamp: 1 })).status).toBe(403);
    expect((await call('POST', 'experiments/permissions/create', bob, { experiment_id: id, username: 'bob', permission: 'MANAGE' })).status).toBe(403);
    expect((await call('POST', 'experiments/permissions/create', alice, { experiment_id: id, username: 'bob', permission: 'EDIT' })).json).toEqual({
      experiment_permission: { experiment_id: id, user_id: expect.any(Number), permission: 'EDIT' },
    });
    expect((await call('POST', 'runs/log-metric', bob, { run_id: run, key: 'm', value: 1, timestamp: 1 })).status).toBe(200);
    expect((await call('POST', 'runs/delete', bob, { run_id: run })).status).toBe(403);
    // Artifacts by the first segment of the proxied path.
    const put = (who: string) => fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${id}/${run}/artifacts/a.txt`, { method: 'PUT', headers: { Authorization: who }, body: 'x' });
    expect((await put(bob)).status).toBe(200);
    await call('PATCH', 'experiments/permissions/update', alice, { experiment_id: id, username: 'bob', permission: 'READ' });
    expect((await put(bob)).status).toBe(403);
    expect((await call('GET', `/api/2.0/mlflow-artifacts/artifacts/${id}/${run}/artifacts/a.txt`, bob)).text).toBe('x');
  });

  it("puts the UI's endpoints behind their REST siblings' permissions, and leaves the versions public", async () => {
    const id = (await call('POST', 'experiments/create', alice, { name: 'alice-ui' })).json.experiment_id as string;
    const run = (await call('POST', 'runs/create', alice, { experiment_id: id })).json.run.info.run_id as string;
    const model = (await call('POST', 'logged-models', alice, { experiment_id: id })).json.model.info.model_id as string;
    await call('POST', 'runs/log-metric', alice, { run_id: run, key: 'm', value: 1, timestamp: 1 });
    const upload = (who: string) => call('POST', `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${run}&path=a.txt`, who, undefined, { 'Content-Type': 'text/plain' });
    const reads = (who: string) =>
      Promise.all([
        call('GET', `/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${run}&metric_key=m`, who),
        call('POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', who, { experiment_ids: [id] }),
        call('GET', `logged-models/${model}/artifacts/directories`, who),
        call('POST', 'artifacts/presigned-download-url', who, { run_id: run, path: 'a.txt' }),
      ]);
    expect((await reads(bob)).map((r) => r.status)).toEqual([200, 200, 200, 400]);
    expect((await fetch(`${base}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${run}&path=a.txt`, { method: 'POST', headers: { Authorization: bob }, body: 'x' })).status).toBe(403);
    expect((await call('POST', 'runs/log-model', bob, { run_id: run, model_json: '{}' })).status).toBe(403);
    await call('POST', 'experiments/permissions/create', alice, { experiment_id: id, username: 'bob', permission: 'NO_PERMISSIONS' });
    expect((await reads(bob)).map((r) => r.status)).toEqual([403, 403, 403, 403]);
    expect((await upload(alice)).status).toBe(400); // allowed, and refused only for its empty body
    const versions = await fetch(`${base}/api/aviary/version`);
    expect(versions.status).toBe(200);
    expect(versions.headers.get('x-aviary-version')).toBe('test');
  });

  it('filters searches to what the user may read, and paging stays exact', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await call('POST', 'experiments/create', admin, { name: `page-${i}` })).json.experiment_id);
    const hidden = new Set([ids[1], ids[2], ids[3], ids[5]]);
    for (const id of hidden) await call('POST', 'experiments/permissions/create', admin, { experiment_id: id, username: 'bob', permission: 'NO_PERMISSIONS' });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await call('POST', 'experiments/search', bob, { max_results: 2, filter: "name LIKE 'page-%'", order_by: ['name ASC'], ...(token && { page_token: token }) });
      expect(page.status).toBe(200);
      expect((page.json.experiments ?? []).length).toBeLessThanOrEqual(2);
      seen.push(...(page.json.experiments ?? []).map((e: { experiment_id: string }) => e.experiment_id));
      token = page.json.next_page_token;
    } while (token);
    expect(seen).toEqual(ids.filter((id) => !hidden.has(id)));
    expect((await call('GET', `experiments/get?experiment_id=${ids[1]}`, bob)).status).toBe(403);
    // runs/search over a hidden experiment: nothing, not an error.
    await call('POST', 'runs/create', admin, { experiment_id: ids[1] });
    expect((await call('POST', 'runs/search', bob, { experiment_ids: [ids[1]] })).json.runs).toBeUndefined();
    expect((await call('POST', 'runs/search', admin, { experiment_ids: [ids[1]] })).json.runs).toHaveLength(1);
  });

  it('lets only MANAGE move an alias, and the event names the user', async () => {
    await call('POST', 'registered-models/create', alice, { name: 'snia' });
    const exp = (await call('POST', 'experiments/create', alice, { name: 'snia-exp' })).json.experiment_id;
    const run = (await call('POST', 'runs/create', alice, { experiment_id: exp })).json.run.info.run_id;
    expect((await call('POST', 'model-versions/create', alice, { name: 'snia', source: `runs:/${run}/model`, run_id: run })).status).toBe(200);
    await call('POST', 'registered-models/permissions/create', alice, { name: 'snia', username: 'bob', permission: 'EDIT' });
    expect((await call('POST', 'registered-models/alias', bob, { name: 'snia', alias: 'champion', version: '1' })).status).toBe(403);
    expect((await call('PATCH', 'model-versions/update', bob, { name: 'snia', version: '1', description: 'ok' })).status).toBe(200);
    expect((await call('POST', 'registered-models/alias', alice, { name: 'snia', alias: 'champion', version: '1' })).status).toBe(200);
    expect(events.filter((e) => e.type === 'alias.set').at(-1)).toMatchObject({ name: 'snia', alias: 'champion', user: 'alice' });
    expect((await call('GET', 'registered-models/search', bob)).json.registered_models.map((m: { name: string }) => m.name)).toContain('snia');
  });

  it('answers whoami with the user, grants and settings', async () => {
    const who = await call('GET', '/api/aviary/auth/whoami', alice);
    expect(who.json).toMatchObject({ auth: true, user: { username: 'alice', is_admin: false }, default_permission: 'READ', public_alerts: false });
    expect(who.json.user.experiment_permissions).toContainEqual({ experiment_id: expect.any(String), permission: 'MANAGE' });
    expect(who.json.user.registered_model_permissions).toContainEqual({ name: 'snia', permission: 'MANAGE' });
    expect((await call('GET', '/api/aviary/auth/whoami')).status).toBe(401);
  });

  it('creates tokens shown once, lists them without secrets, and a revoked token stops working', async () => {
    const created = await call('POST', '/api/aviary/auth/tokens', bob, { name: 'ci', expires_in_days: 30 });
    const secret = created.json.secret as string;
    expect(secret).toMatch(/^avt_/);
    const bearer = `Bearer ${secret}`;
    expect((await call('GET', '/api/aviary/auth/whoami', bearer)).json.user.username).toBe('bob');
    const listed = await call('GET', '/api/aviary/auth/tokens', bob);
    expect(listed.json.tokens).toEqual([{ id: created.json.token.id, name: 'ci', created_at: expect.any(Number), expires_at: expect.any(Number) }]);
    expect(listed.text).not.toContain(secret.slice(4));
    expect((await call('DELETE', `/api/aviary/auth/tokens/${created.json.token.id}`, alice)).status).toBe(404);
    expect((await call('DELETE', `/api/aviary/auth/tokens/${created.json.token.id}`, bob)).status).toBe(200);
    expect((await call('GET', '/api/aviary/auth/whoami', bearer)).status).toBe(401);
  });

  it('keeps user management to admins and a user to their own record', async () => {
    expect((await call('POST', 'users/create', alice, { username: 'mallory', password: 'x' })).status).toBe(403);
    expect((await call('GET', 'users/get?username=bob', alice)).status).toBe(403);
    expect((await call('GET', 'users/get?username=alice', alice)).json.user).toEqual({ id: expect.any(Number), username: 'alice', is_admin: false });
    expect((await call('PATCH', 'users/update-admin', alice, { username: 'alice', is_admin: true })).status).toBe(403);
    expect((await call('POST', 'users/create', admin, { username: '', password: 'x' })).status).toBe(400);
    expect((await call('POST', 'users/create', admin, { username: 'carol', password: '' })).status).toBe(400);
    expect((await call('POST', 'users/create', admin, { username: 'alice', password: 'y' })).json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await call('DELETE', 'users/delete', admin, { username: 'admin' })).status).toBe(400);
    expect((await call('POST', 'webhooks', alice, { name: 'w', url: 'https://example.org/h', events: [] })).status).toBe(403);
    expect((await call('GET', '/api/aviary/broker/runs', undefined)).status).toBe(401);
  });
});

