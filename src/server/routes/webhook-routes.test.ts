// The webhook endpoints over real HTTP, as MLflow's client calls them: shapes, MLflow's errors,
// paging, the test endpoint, and that no answer ever carries a secret.
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAviary, type Aviary } from '../../app/open-aviary.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import { startRecordingReceiver, type RecordingReceiver } from '../../registry/webhooks/recording-receiver.js';
import { DEFAULT_WEBHOOK_POLICY, type WebhookDestinationPolicy } from '../../registry/webhooks/webhook-destination-policy.js';
import { systemResolver, type HostResolver } from '../../registry/webhooks/webhook-destination.js';
import { createApp } from '../create-app.js';

const SECRET = 'whsec-first-9f8e7d';
const NEW_SECRET = 'whsec-second-1a2b3c';
/** The receivers here listen on 127.0.0.1 over plain http, which the default policy refuses. */
const LOCAL_RECEIVERS: WebhookDestinationPolicy = { allowedSchemes: ['http', 'https'], allowPrivateHosts: true };

describe('webhook routes', () => {
  let dir: string;
  let aviary: Aviary;
  let server: Server;
  let base: string;
  let receiver: RecordingReceiver;
  const answers: string[] = [];
  const logLines: string[] = [];

  async function call(method: string, path: string, body?: unknown, prefix = '/api/2.0/mlflow') {
    const res = await fetch(`${base}${prefix}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, json: JSON.parse(text) as Record<string, any> };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-webhook-routes-'));
    const log: Logger = { info: (m) => logLines.push(m), warn: (m) => logLines.push(m), error: (m) => logLines.push(m) };
    aviary = await openAviary({ backendStoreUri: 'sqlite:///:memory:', artifactsDestination: dir, webhookPolicy: LOCAL_RECEIVERS }, log);
    receiver = await startRecordingReceiver((path) => (path === '/teapot' ? 418 : 200));
    server = createApp(aviary, { version: 'test' }, log);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await aviary.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
    // Every answer of every test, errors included, and every log line.
    for (const text of [...answers, ...logLines]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(NEW_SECRET);
      expect(text).not.toContain('secret');
    }
  });

  it('creates, gets, updates, tests and deletes a webhook', async () => {
    const created = await call('POST', '/webhooks', {
      name: 'alias-watch',
      url: receiver.url('/hook'),
      events: [
        { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
        { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
      ],
      secret: SECRET,
      description: 'tell the broker',
    });
    expect(created.status).toBe(200);
    const hook = created.json['webhook'];
    expect(hook).toMatchObject({
      name: 'alias-watch',
      url: receiver.url('/hook'),
      description: 'tell the broker',
      status: 'ACTIVE',
      events: [
        { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
        { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
      ],
    });
    expect(Object.keys(hook).sort()).toEqual(
      ['creation_timestamp', 'description', 'events', 'last_updated_timestamp', 'name', 'status', 'url', 'webhook_id'].sort(),
    );
    const id = hook.webhook_id as string;

    expect((await call('GET', `/webhooks/${id}`)).json['webhook']).toEqual(hook);
    expect((await call('GET', `/webhooks/${id}`, undefined, '/ajax-api/2.0/mlflow')).json['webhook']).toEqual(hook);

    const tested = await call('POST', `/webhooks/${id}/test`, {});
    expect(tested.json['result']).toEqual({ success: true, response_status: 200, response_body: 'answered 200' });
    const sent = receiver.at('/hook')[0]!;
    expect(JSON.parse(sent.body)).toMatchObject({
      entity: 'model_version_alias',
      action: 'created',
      data: { name: 'example_model', alias: 'example_alias', version: '1' },
    });
    const signed = `${sent.headers['x-mlflow-delivery-id']}.${sent.headers['x-mlflow-timestamp']}.${sent.body}`;
    expect(sent.headers['x-mlflow-signature']).toBe(`v1,${createHmac('sha256', SECRET).update(signed).digest('base64')}`);

    const updated = await call('PATCH', `/webhooks/${id}`, { secret: NEW_SECRET, status: 'DISABLED', name: '' });
    expect(updated.json['webhook']).toMatchObject({ name: 'alias-watch', status: 'DISABLED' });
    expect(updated.json['webhook'].last_updated_timestamp).toBeGreaterThanOrEqual(hook.last_updated_timestamp);

    // A DISABLED webhook can still be tested, with the event asked for and the new secret.
    const again = await call('POST', `/webhooks/${id}/test`, { event: { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' } });
    expect(again.json['result'].success).toBe(true);
    const second = receiver.at('/hook')[1]!;
    expect(JSON.parse(second.body).data).toEqual({ name: 'example_model', alias: 'example_alias' });
    const signed2 = `${second.headers['x-mlflow-delivery-id']}.${second.headers['x-mlflow-timestamp']}.${second.body}`;
    expect(second.headers['x-mlflow-signature']).toBe(`v1,${createHmac('sha256', NEW_SECRET).update(signed2).digest('base64')}`);

    expect((await call('DELETE', `/webhooks/${id}`)).json).toEqual({});
    const gone = await call('GET', `/webhooks/${id}`);
    expect(gone).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Webhook with ID ${id} not found.` } });
  });

  it('reports what the receiver answered, or why there was no answer', async () => {
    const events = [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }];
    const teapot = (await call('POST', '/webhooks', { name: 'teapot', url: receiver.url('/teapot'), events })).json['webhook'];
    expect((await call('POST', `/webhooks/${teapot.webhook_id}/test`, {})).json['result']).toEqual({
      success: false,
      response_status: 418,
      response_body: 'answered 418',
    });
    const closed = await startRecordingReceiver();
    const url = closed.url('/');
    await closed.close();
    const nowhere = (await call('POST', '/webhooks', { name: 'nowhere', url, events })).json['webhook'];
    const result = (await call('POST', `/webhooks/${nowhere.webhook_id}/test`, {})).json['result'];
    expect(result.success).toBe(false);
    expect(result.error_message).toMatch(/^Failed to test webhook: .*ECONNREFUSED/);
  });

  it('lists newest first, in pages', async () => {
    const events = [{ entity: 'MODEL_VERSION', action: 'CREATED' }];
    for (const name of ['page-a', 'page-b', 'page-c']) {
      await call('POST', '/webhooks', { name, url: receiver.url('/p'), events, secret: SECRET });
      await new Promise((r) => setTimeout(r, 2));
    }
    const all = (await call('GET', '/webhooks?max_results=1000')).json;
    const names = (all['webhooks'] as { name: string }[]).map((w) => w.name);
    expect(names.slice(0, 3)).toEqual(['page-c', 'page-b', 'page-a']);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = (await call('GET', `/webhooks?max_results=2${token ? `&page_token=${encodeURIComponent(token)}` : ''}`)).json;
      seen.push(...(page['webhooks'] as { name: string }[]).map((w) => w.name));
      token = page['next_page_token'];
    } while (token);
    expect(seen).toEqual(names);
    expect((await call('GET', '/webhooks?max_results=1001')).json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'max_results must be between 1 and 1000.',
    });
  });

  it("refuses what MLflow refuses, with MLflow's messages", async () => {
    const events = [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }];
    const refused = async (body: unknown) => {
      const answer = await call('POST', '/webhooks', body);
      expect(answer.status).toBe(400);
      expect(answer.json['error_code']).toBe('INVALID_PARAMETER_VALUE');
      return answer.json['message'] as string;
    };
    expect(await refused({ name: '-bad', url: receiver.url('/'), events })).toBe(
      "Webhook name '-bad' is invalid. It must start and end with a letter or digit, be less than 63 characters long, " +
        'and contain only letters, digits, dots (.), underscores (_), and hyphens (-).',
    );
    expect(await refused({ name: 'ok', url: 'ftp://example.com/x', events })).toBe(
      "Invalid webhook URL scheme: 'ftp'. Allowed schemes are: http, https.",
    );
    expect(await refused({ name: 'ok', url: '   ', events })).toBe("Webhook URL cannot be empty or just whitespace: '   '");
    expect(await refused({ name: 'ok', url: receiver.url('/'), events: [] })).toBe(
      'Webhook events must be a non-empty list of WebhookEvent objects: [].',
    );
    expect(await refused({ name: 'ok', url: receiver.url('/'), events: [{ entity: 'REGISTERED_MODEL', action: 'SET' }] })).toBe(
      "Invalid action 'set' for entity 'registered_model'. Valid actions are: ['created']",
    );
    expect(await refused({ name: 'ok', url: receiver.url('/') })).toMatch(/^Missing value for required parameter 'events'/);
    expect(await refused({ name: 'ok', url: receiver.url('/'), events, status: 'PAUSED' })).toMatch(/parameter 'status'/);
    const unknown = await call('PATCH', '/webhooks/no-such-id', { status: 'ACTIVE' });
    expect(unknown.status).toBe(404);
  });
});

describe('webhook routes under the default destination policy', () => {
  let dir: string;
  let aviary: Aviary;
  let server: Server;
  let base: string;
  const events = [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }];
  const NON_PUBLIC = 'Webhook URL must not resolve to a non-public IP address.';

  async function call(method: string, path: string, body: unknown) {
    const res = await fetch(`${base}/api/2.0/mlflow${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-webhook-policy-'));
    // Explicit, so a developer's own MLFLOW_WEBHOOK_* variables cannot change the outcome.
    aviary = await openAviary(
      { backendStoreUri: 'sqlite:///:memory:', artifactsDestination: dir, webhookPolicy: DEFAULT_WEBHOOK_POLICY, webhookResolver: DNS },
      silentLogger,
    );
    server = createApp(aviary, { version: 'test' }, silentLogger);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await aviary.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['http://hooks.example.com/x', "Invalid webhook URL scheme: 'http'. Allowed schemes are: https."],
    ['https://127.0.0.1/', `${NON_PUBLIC} '127.0.0.1' resolves to 127.0.0.1.`],
    ['https://127.1:8443/', `${NON_PUBLIC} '127.0.0.1' resolves to 127.0.0.1.`],
    ['https://10.0.0.1/', `${NON_PUBLIC} '10.0.0.1' resolves to 10.0.0.1.`],
    ['https://169.254.169.254/latest/meta-data/', `${NON_PUBLIC} '169.254.169.254' resolves to 169.254.169.254.`],
    ['https://[::1]/', `${NON_PUBLIC} '::1' resolves to ::1.`],
    ['https://[::ffff:127.0.0.1]/', `${NON_PUBLIC} '::ffff:7f00:1' resolves to ::ffff:7f00:1.`],
    ['https://[fd00::1]/', `${NON_PUBLIC} 'fd00::1' resolves to fd00::1.`],
    ['https://localhost/', `${NON_PUBLIC} 'localhost' is reserved for local hosts.`],
    ['https://LOCALHOST./', `${NON_PUBLIC} 'localhost' is reserved for local hosts.`],
    ['https://api.localhost/', `${NON_PUBLIC} 'api.localhost' is reserved for local hosts.`],
  ])('refuses %s at create and at update', async (url, message) => {
    const created = await call('POST', '/webhooks', { name: 'refused', url, events });
    expect(created).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message } });

    const hook = (await call('POST', '/webhooks', { name: 'public', url: 'https://hooks.example.com/x', events })).json['webhook'];
    const updated = await call('PATCH', `/webhooks/${hook.webhook_id}`, { url });
    expect(updated).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message } });
  });

  // What a name resolves to is checked when the webhook is made, not only at its first delivery.
  it.each([
    ['https://intranet.example.com/x', `${NON_PUBLIC} 'intranet.example.com' resolves to 10.1.2.3.`],
    ['https://metadata.example.com/x', `${NON_PUBLIC} 'metadata.example.com' resolves to 169.254.169.254.`],
    // One private answer among public ones is enough: the connection may take any of them.
    ['https://mixed.example.com/x', `${NON_PUBLIC} 'mixed.example.com' resolves to 127.0.0.1.`],
    ['https://v6.example.com/x', `${NON_PUBLIC} 'v6.example.com' resolves to fd12::1.`],
    ['https://nowhere.example.com/x', "Cannot resolve Webhook URL hostname 'nowhere.example.com': ENOTFOUND"],
    ['https://empty.example.com/x', "Cannot resolve Webhook URL hostname 'empty.example.com': no address"],
  ])('resolves the name of %s at create and at update, and refuses it', async (url, message) => {
    const created = await call('POST', '/webhooks', { name: 'named', url, events });
    expect(created).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message } });

    const hook = (await call('POST', '/webhooks', { name: 'public', url: 'https://hooks.example.com/x', events })).json['webhook'];
    const updated = await call('PATCH', `/webhooks/${hook.webhook_id}`, { url });
    expect(updated).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message } });
    expect((await call('GET', `/webhooks/${hook.webhook_id}`, undefined)).json['webhook'].url).toBe('https://hooks.example.com/x');
  });

  it('accepts https to a public address or name', async () => {
    for (const url of ['https://hooks.example.com/x?token=1', 'https://8.8.8.8/', 'https://[2606:4700::1111]:8443/']) {
      const created = await call('POST', '/webhooks', { name: 'public', url, events });
      expect(created.status).toBe(200);
      expect(created.json['webhook'].url).toBe(url);
    }
  });
});

/** A DNS of fixed answers: this machine may reach no resolver, and public names must stay public. */
const DNS: HostResolver = async (host) => {
  const answers: Record<string, string[]> = {
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'intranet.example.com': ['10.1.2.3'],
    'metadata.example.com': ['169.254.169.254'],
    'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
    'v6.example.com': ['2606:4700::1111', 'fd12::1'],
    'empty.example.com': [],
  };
  const found = answers[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

/** A name this machine's own resolver (/etc/hosts here) maps to a loopback address, other than localhost. */
async function loopbackAlias(): Promise<string | undefined> {
  for (const name of ['vm', 'runsc', hostname(), 'ip6-localhost', 'localhost.localdomain']) {
    if (/^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$/.test(name)) continue;
    try {
      const addresses = await systemResolver(name);
      if (addresses.some((a) => a.address.startsWith('127.') || a.address === '::1')) return name;
    } catch {
      // not known here
    }
  }
  return undefined;
}

describe('webhook host names through the system resolver', () => {
  let dir: string;
  let aviary: Aviary;
  let alias: string | undefined;

  beforeAll(async () => {
    alias = await loopbackAlias();
    dir = await mkdtemp(join(tmpdir(), 'aviary-webhook-dns-'));
    aviary = await openAviary({ backendStoreUri: 'sqlite:///:memory:', artifactsDestination: dir, webhookPolicy: DEFAULT_WEBHOOK_POLICY }, silentLogger);
  });

  afterAll(async () => {
    await aviary.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses at create a name the hosts file points at this machine, which the URL alone does not show', async () => {
    if (!alias) return expect.fail('no name other than localhost resolves to a loopback address on this machine');
    const events = [{ entity: 'REGISTERED_MODEL' as const, action: 'CREATED' as const }];
    await expect(aviary.webhooks.create({ name: 'alias', url: `https://${alias}:8443/hook`, events })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(new RegExp(`^Webhook URL must not resolve to a non-public IP address\\. '${alias}' resolves to (127\\.|::1)`)),
    });
  });

  it('refuses at create a name that does not resolve, as MLflow does', async () => {
    const events = [{ entity: 'REGISTERED_MODEL' as const, action: 'CREATED' as const }];
    await expect(aviary.webhooks.create({ name: 'nowhere', url: 'https://no-such-host.invalid/hook', events })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/^Cannot resolve Webhook URL hostname 'no-such-host\.invalid': /),
    });
  });
});
