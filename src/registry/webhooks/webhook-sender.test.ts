// WebhookSender's destination handling over real HTTP: every attempt connects only to the
// addresses checked for it, a refused destination is final, and nothing is followed elsewhere.
// Resolvers are injected, so no test depends on DNS.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookDestinationPolicy } from './webhook-destination-policy.js';
import type { HostResolver } from './webhook-destination.js';
import { WebhookSender } from './webhook-sender.js';
import type { WebhookEvent, WebhookTarget } from './webhook-store.js';

const LOCAL_RECEIVERS: WebhookDestinationPolicy = { allowedSchemes: ['http', 'https'], allowPrivateHosts: true };
const EVENT: WebhookEvent = { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' };
const message = { event: EVENT, payload: { name: 'm', alias: 'a' } };
const target = (url: string): WebhookTarget => ({ webhookId: 'w1', name: 'hook', url, secret: 'whsec-sender-test' });

interface Seen {
  path: string;
  host: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', host: req.headers.host ?? '' });
    req.resume().on('end', () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen };
}

function resolverOf(answer: string): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign(
    async (host: string) => {
      calls.push(host);
      return [{ address: answer, family: answer.includes(':') ? (6 as const) : (4 as const) }];
    },
    { calls },
  );
}

describe('WebhookSender destinations', () => {
  it('connects to the address the check resolved, keeping the name in the Host header', async () => {
    const { port, seen } = await serve((_req, res) => res.writeHead(200).end('ok'));
    const resolve = resolverOf('127.0.0.1');
    // `.example` never resolves through real DNS (RFC 2606): only the pinned address can be reached.
    const sender = new WebhookSender({ policy: LOCAL_RECEIVERS, resolve });
    const outcome = await sender.send(target(`http://receiver.example:${port}/pinned?q=1`), message, { keepBody: true });
    expect(outcome).toMatchObject({ ok: true, status: 200, body: 'ok', attempts: 1 });
    expect(resolve.calls).toEqual(['receiver.example']);
    expect(seen).toEqual([{ path: '/pinned?q=1', host: `receiver.example:${port}` }]);
  });

  it('refuses a name resolving to a private address at the first attempt, without retrying', async () => {
    for (const address of ['10.0.0.5', '169.254.169.254', '::1', '::ffff:192.168.1.1']) {
      const resolve = resolverOf(address);
      const sender = new WebhookSender({ resolve, maxAttempts: 3, backoffMs: 1 });
      const outcome = await sender.send(target('https://hooks.example.com/deliver?token=abc'), message);
      expect(outcome).toMatchObject({
        ok: false,
        attempts: 1,
        error: `refused: Webhook URL must not resolve to a non-public IP address. 'hooks.example.com' resolves to ${address}.`,
      });
      expect(outcome.status).toBeUndefined();
      expect(resolve.calls).toHaveLength(1);
    }
  });

  it('checks a stored URL again under the policy in force when delivering', async () => {
    const resolve = resolverOf('93.184.215.14');
    const sender = new WebhookSender({ resolve });
    expect((await sender.send(target('http://hooks.example.com/'), message)).error).toBe(
      "refused: Invalid webhook URL scheme: 'http'. Allowed schemes are: https.",
    );
    expect((await sender.send(target('https://127.0.0.1:9/'), message)).error).toBe(
      "refused: Webhook URL must not resolve to a non-public IP address. '127.0.0.1' resolves to 127.0.0.1.",
    );
    expect(resolve.calls).toEqual([]);
  });

  it('does not follow a redirect', async () => {
    const { port, seen } = await serve((req, res) =>
      req.url === '/start' ? res.writeHead(307, { Location: '/elsewhere' }).end() : res.writeHead(200).end(),
    );
    const sender = new WebhookSender({ policy: LOCAL_RECEIVERS, maxAttempts: 2, backoffMs: 1 });
    const outcome = await sender.send(target(`http://127.0.0.1:${port}/start`), message);
    expect(outcome).toMatchObject({ ok: false, status: 307, attempts: 1 });
    expect(seen.map((s) => s.path)).toEqual(['/start']);
  });

  it('times out an attempt whose resolver or answer never ends', async () => {
    const stuck: HostResolver = () => new Promise(() => {});
    const slowDns = new WebhookSender({ policy: LOCAL_RECEIVERS, resolve: stuck, timeoutMs: 50, maxAttempts: 1 });
    expect((await slowDns.send(target('http://hooks.example.com/'), message)).error).toBe('no answer within 50 ms');

    const { port } = await serve((_req, res) => res.writeHead(200).write('partial')); // the body never ends
    const slowBody = new WebhookSender({ policy: LOCAL_RECEIVERS, timeoutMs: 100, maxAttempts: 1 });
    const outcome = await slowBody.send(target(`http://127.0.0.1:${port}/`), message, { keepBody: true });
    expect(outcome).toMatchObject({ ok: false, error: 'no answer within 100 ms' });
  });
});

describe('a webhook whose secret cannot be decrypted', () => {
  it('sends nothing rather than an unsigned delivery, and says why without the secret', async () => {
    const { port, seen } = await serve((_req, res) => res.writeHead(200).end());
    const sender = new WebhookSender({ policy: LOCAL_RECEIVERS, backoffMs: 1 });
    const unreadable: WebhookTarget = { webhookId: 'w1', name: 'hook', url: `http://127.0.0.1:${port}/x`, secretProblem: 'its secret cannot be decrypted: the stored secret was encrypted with another key (or altered)' };
    const outcome = await sender.send(unreadable, message);
    expect(outcome).toMatchObject({ ok: false, attempts: 0, error: 'not sent: its secret cannot be decrypted: the stored secret was encrypted with another key (or altered)' });
    expect(seen).toEqual([]);
  });
});
