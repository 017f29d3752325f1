// Registry changes made through RegistryService on an in-memory database reach a real HTTP
// receiver as MLflow's signed webhook deliveries. Each test closes its Aviary before counting,
// since close() waits for every delivery under way.
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAviary, type Aviary } from '../../app/open-aviary.js';
import type { Logger } from '../../common/logger.js';
import { startRecordingReceiver, type ReceivedRequest, type RecordingReceiver } from './recording-receiver.js';
import type { WebhookDestinationPolicy } from './webhook-destination-policy.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookSender } from './webhook-sender.js';
import type { WebhookEvent, WebhookStore } from './webhook-store.js';

const SECRET = 'whsec-Zq8v-test-only';
/** The receivers here listen on 127.0.0.1 over plain http, which the default policy refuses. */
const LOCAL_RECEIVERS: WebhookDestinationPolicy = { allowedSchemes: ['http', 'https'], allowPrivateHosts: true };
const ALL_MODEL_EVENTS: WebhookEvent[] = [
  { entity: 'REGISTERED_MODEL', action: 'CREATED' },
  { entity: 'MODEL_VERSION', action: 'CREATED' },
  { entity: 'MODEL_VERSION_TAG', action: 'SET' },
  { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
];

/** The receiver's own check, written from MLflow's description rather than Aviary's code. */
function verifies(req: ReceivedRequest, secret: string): boolean {
  const id = req.headers['x-mlflow-delivery-id'] as string;
  const ts = req.headers['x-mlflow-timestamp'] as string;
  const expected = 'v1,' + createHmac('sha256', secret).update(`${id}.${ts}.${req.body}`).digest('base64');
  return req.headers['x-mlflow-signature'] === expected;
}

const envelope = (r: ReceivedRequest) => JSON.parse(r.body) as { entity: string; action: string; timestamp: string; data: Record<string, unknown> };

describe('webhook delivery of registry events', () => {
  let receiver: RecordingReceiver;
  let dir: string;
  let aviary: Aviary;
  let logLines: string[];
  let closed: boolean;

  beforeAll(async () => {
    receiver = await startRecordingReceiver((path, nth) => (path === '/flaky' && nth === 1 ? 500 : path.startsWith('/down') ? 503 : 200));
    dir = await mkdtemp(join(tmpdir(), 'aviary-webhooks-'));
  });
  afterAll(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    logLines = [];
    const log: Logger = { info: (m) => logLines.push(m), warn: (m) => logLines.push(m), error: (m) => logLines.push(m) };
    aviary = await openAviary({ backendStoreUri: 'sqlite:///:memory:', artifactsDestination: dir, webhookPolicy: LOCAL_RECEIVERS }, log);
    closed = false;
  });
  afterEach(async () => {
    if (!closed) await aviary.close();
  });
  const finish = async () => {
    closed = true;
    await aviary.close();
  };

  it('delivers each mapped event once, shaped and signed as MLflow does', async () => {
    await aviary.webhooks.create({ name: 'all-events', url: receiver.url('/hook'), events: ALL_MODEL_EVENTS, secret: SECRET });
    const before = Math.floor(Date.now() / 1000);
    const { registry } = aviary;
    await registry.createRegisteredModel('snia', { tags: [{ key: 'team', value: 'transients' }], description: 'SN Ia classifier' });
    await registry.createModelVersion({ name: 'snia', source: 's3://models/snia/1', tags: [{ key: 'stage', value: 'qa' }], description: 'first' });
    await registry.setModelVersionTag('snia', '1', { key: 'validated', value: 'yes' });
    await registry.deleteModelVersionTag('snia', '1', 'validated');
    await registry.setAlias('snia', 'champion', '1');
    await registry.deleteAlias('snia', 'champion');
    // Changes MLflow has no webhook event for: nothing is sent.
    await registry.updateRegisteredModel('snia', 'new words');
    await registry.setRegisteredModelTag('snia', { key: 'k', value: 'v' });
    await registry.transitionStage('snia', '1', 'Staging', false);
    await finish();

    const got = receiver.at('/hook');
    expect(got).toHaveLength(6);
    const byEvent = new Map(got.map((r) => [`${envelope(r).entity}.${envelope(r).action}`, envelope(r).data]));
    expect(Object.fromEntries(byEvent)).toEqual({
      'registered_model.created': { name: 'snia', tags: { team: 'transients' }, description: 'SN Ia classifier' },
      'model_version.created': {
        name: 'snia',
        version: '1',
        source: 's3://models/snia/1',
        run_id: null,
        tags: { stage: 'qa' },
        description: 'first',
      },
      'model_version_tag.set': { name: 'snia', version: '1', key: 'validated', value: 'yes' },
      'model_version_tag.deleted': { name: 'snia', version: '1', key: 'validated' },
      'model_version_alias.created': { name: 'snia', alias: 'champion', version: '1' },
      'model_version_alias.deleted': { name: 'snia', alias: 'champion' },
    });
    for (const r of got) {
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-mlflow-delivery-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ts = Number(r.headers['x-mlflow-timestamp']);
      expect(ts).toBeGreaterThanOrEqual(before);
      expect(ts).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
      expect(verifies(r, SECRET)).toBe(true);
      expect(verifies(r, 'another-secret')).toBe(false);
      expect(envelope(r).timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
      // Python's json.dumps separators: the bytes MLflow itself would send.
      expect(r.body.startsWith('{"entity": ')).toBe(true);
    }
    expect(new Set(got.map((r) => r.headers['x-mlflow-delivery-id'])).size).toBe(6);
  });

  it('sends no signature header when the webhook has no secret', async () => {
    await aviary.webhooks.create({ name: 'unsigned', url: receiver.url('/plain'), events: ALL_MODEL_EVENTS.slice(0, 1) });
    await aviary.registry.createRegisteredModel('plain', { tags: [] });
    await finish();
    const [only, ...rest] = receiver.at('/plain');
    expect(rest).toHaveLength(0);
    expect(only!.headers['x-mlflow-signature']).toBeUndefined();
    expect(envelope(only!).data).toEqual({ name: 'plain', tags: {}, description: '' });
  });

  it('announces an alias move as exactly one delivery', async () => {
    await aviary.webhooks.create({
      name: 'aliases',
      url: receiver.url('/alias'),
      events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }],
      secret: SECRET,
    });
    const { registry } = aviary;
    await registry.createRegisteredModel('kn', { tags: [] });
    await registry.createModelVersion({ name: 'kn', source: 's3://models/kn/1', tags: [] });
    await registry.createModelVersion({ name: 'kn', source: 's3://models/kn/2', tags: [] });
    await registry.setAlias('kn', 'champion', '1');
    await receiver.waitFor('/alias', 1);
    await registry.setAlias('kn', 'champion', '2'); // the move
    await registry.setAlias('kn', 'champion', '2'); // already there: no change, no delivery
    await finish();
    const got = receiver.at('/alias').map((r) => envelope(r).data);
    expect(got).toEqual([
      { name: 'kn', alias: 'champion', version: '1' },
      { name: 'kn', alias: 'champion', version: '2' },
    ]);
  });

  it('retries a 500 and stops at the first success', async () => {
    await aviary.webhooks.create({ name: 'flaky', url: receiver.url('/flaky'), events: ALL_MODEL_EVENTS.slice(0, 1), secret: SECRET });
    await aviary.registry.createRegisteredModel('retry-me', { tags: [] });
    await finish();
    const got = receiver.at('/flaky');
    expect(got).toHaveLength(2);
    // One delivery, sent twice: same id, timestamp and signature, so a receiver can drop repeats.
    expect(got[1]!.headers['x-mlflow-delivery-id']).toBe(got[0]!.headers['x-mlflow-delivery-id']);
    expect(got[1]!.body).toBe(got[0]!.body);
    expect(verifies(got[1]!, SECRET)).toBe(true);
    expect(logLines.filter((l) => l.includes('failed'))).toEqual([]);
  });

  it('gives up after a bounded number of attempts and logs without the secret or signature', async () => {
    await aviary.webhooks.create({ name: 'down', url: receiver.url('/down?token=abc'), events: ALL_MODEL_EVENTS.slice(0, 1), secret: SECRET });
    await aviary.registry.createRegisteredModel('nobody-home', { tags: [] });
    await finish();
    const got = receiver.at('/down?token=abc');
    expect(got).toHaveLength(3);
    const failure = logLines.find((l) => l.includes('failed after 3 attempt(s)'));
    expect(failure).toContain('answer 503');
    expect(failure).toContain(receiver.url(''));
    const signature = got[0]!.headers['x-mlflow-signature'] as string;
    for (const line of logLines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(signature.slice(3));
      expect(line).not.toContain('token=abc');
    }
  });

  it('sends nothing to a DISABLED webhook', async () => {
    await aviary.webhooks.create({ name: 'on', url: receiver.url('/on'), events: ALL_MODEL_EVENTS, secret: SECRET });
    await aviary.webhooks.create({ name: 'off', url: receiver.url('/off'), events: ALL_MODEL_EVENTS, secret: SECRET, status: 'DISABLED' });
    const later = await aviary.webhooks.create({ name: 'later-off', url: receiver.url('/later-off'), events: ALL_MODEL_EVENTS });
    await aviary.webhooks.update(later.webhook_id, { status: 'DISABLED' });
    await aviary.registry.createRegisteredModel('quiet', { tags: [] });
    await aviary.registry.createModelVersion({ name: 'quiet', source: 's3://models/quiet/1', tags: [] });
    await finish();
    expect(receiver.at('/on')).toHaveLength(2);
    expect(receiver.at('/off')).toHaveLength(0);
    expect(receiver.at('/later-off')).toHaveLength(0);
  });

  it('never makes the registry change wait for the receiver', async () => {
    // A receiver that accepts the connection but never answers.
    const hang = createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as AddressInfo).port;
    try {
      await aviary.webhooks.create({ name: 'hang', url: `http://127.0.0.1:${port}/`, events: ALL_MODEL_EVENTS.slice(0, 1) });
      const started = Date.now();
      await aviary.registry.createRegisteredModel('fast', { tags: [] });
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      hang.closeAllConnections();
      hang.close();
    }
  });
});

describe('WebhookDispatcher.close', () => {
  it('waits for deliveries under way only up to its bound, then aborts them', async () => {
    const hang = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`;
    const store = { activeTargets: async () => [{ webhookId: 'w1', name: 'hang', url, secret: SECRET }] } as unknown as WebhookStore;
    const lines: string[] = [];
    const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const sender = new WebhookSender({ timeoutMs: 60_000, policy: LOCAL_RECEIVERS });
    const dispatcher = new WebhookDispatcher(store, sender, log, { closeTimeoutMs: 200 });
    try {
      dispatcher.dispatch({ type: 'alias.deleted', name: 'm', alias: 'a', version: '1', timestamp: Date.now() });
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      await dispatcher.close();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(lines.some((l) => l.includes('aborting 1 delivery'))).toBe(true);
      // Closed: later events are ignored.
      dispatcher.dispatch({ type: 'alias.deleted', name: 'm', alias: 'a', version: '1', timestamp: Date.now() });
    } finally {
      hang.closeAllConnections();
      hang.close();
    }
  });
});

describe('WebhookDispatcher with the default destination policy', () => {
  it('refuses a host name resolving to a private address once, logging neither path nor secret', async () => {
    const url = 'https://hooks.example.com/deliver/abc123?token=abc';
    const store = { activeTargets: async () => [{ webhookId: 'w2', name: 'rebound', url, secret: SECRET }] } as unknown as WebhookStore;
    const lookups: string[] = [];
    const sender = new WebhookSender({
      backoffMs: 1,
      resolve: async (host) => {
        lookups.push(host);
        return [{ address: '10.0.0.5', family: 4 }];
      },
    });
    const lines: string[] = [];
    const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const dispatcher = new WebhookDispatcher(store, sender, log);
    dispatcher.dispatch({ type: 'alias.deleted', name: 'm', alias: 'a', version: '1', timestamp: Date.now() });
    await dispatcher.close();
    expect(lookups).toEqual(['hooks.example.com']); // refused at the first attempt, never retried
    const failures = lines.filter((l) => l.includes('failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('webhook rebound (w2) at https://hooks.example.com failed after 1 attempt(s)');
    expect(failures[0]).toContain("refused: Webhook URL must not resolve to a non-public IP address. 'hooks.example.com' resolves to 10.0.0.5.");
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain('/deliver');
      expect(line).not.toContain('token=abc');
    }
  });
});
