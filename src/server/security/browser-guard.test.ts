// The browser defences over real HTTP against createApp: each attack a web page can make
// (DNS rebinding, a cross-origin text/plain POST, a foreign preflight, framing) is tried and
// refused, and what the UI, the mlflow client and artifact uploads send still works.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAviary, type Aviary } from '../../app/open-aviary.js';
import { silentLogger } from '../../common/logger.js';
import { createApp } from '../create-app.js';
import type { BrowserDefenceOptions } from './browser-guard.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let dir: string;
let aviary: Aviary;
const servers: Server[] = [];

async function serve(browserDefences?: BrowserDefenceOptions): Promise<number> {
  const server = createApp(aviary, { version: 'test', webRoot: join(dir, 'web'), ...(browserDefences && { browserDefences }) }, silentLogger);
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return (server.address() as AddressInfo).port;
}

/** node:http, not fetch: fetch will not send a chosen Host, and these tests forge it as an attacker would. */
function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
  return new Promise((done, fail) => {
    // Node sends a DELETE's body unframed unless told its length.
    const length = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    const req = request({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const json = (r: Reply) => JSON.parse(r.body) as { error_code?: string; message?: string } & Record<string, any>;
const JSON_TYPE = { 'Content-Type': 'application/json' };
const EVIL = 'https://evil.example';

async function experimentExists(name: string): Promise<boolean> {
  return aviary.tracking.getExperimentByName(name).then(
    () => true,
    () => false,
  );
}

let port: number;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aviary-browser-guard-'));
  await mkdir(join(dir, 'web'));
  await writeFile(join(dir, 'web/index.html'), '<!doctype html><title>app</title>');
  aviary = await openAviary({ backendStoreUri: 'sqlite:///:memory:', artifactsDestination: join(dir, 'artifacts') }, silentLogger);
  port = await serve();
});

afterAll(async () => {
  for (const s of servers) await new Promise((done) => s.close(done));
  await aviary.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Host allow-list (DNS rebinding)', () => {
  it('refuses a Host that is not ours with 403 in MLflow shape, on the API and the UI', async () => {
    for (const path of ['/api/2.0/mlflow/experiments/search?max_results=1', '/', '/experiments/0']) {
      const reply = await send(port, 'GET', path, { Host: `evil.example:${port}` });
      expect(reply.status).toBe(403);
      expect(json(reply)).toMatchObject({ error_code: 'PERMISSION_DENIED' });
      expect(json(reply).message).toMatch(/DNS rebinding.*--allowed-hosts/);
    }
  });

  it('answers the localhost names and the connection address with any port, and health probes with any Host', async () => {
    for (const host of [`127.0.0.1:${port}`, 'localhost:8080', 'LOCALHOST', `[::1]:${port}`]) {
      expect((await send(port, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', { Host: host })).status, host).toBe(200);
    }
    expect((await send(port, 'GET', '/health', { Host: 'evil.example' })).status).toBe(200);
  });

  it('answers the names of --allowed-hosts (globs, pinned ports) and any Host with *', async () => {
    const listed = await serve({ allowedHosts: ['aviary.example', '*.lab.example', 'pinned.example:8443'], listenHost: '0.0.0.0' });
    const status = async (host: string) => (await send(listed, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', { Host: host })).status;
    expect(await status('aviary.example:5000')).toBe(200);
    expect(await status('gpu1.lab.example')).toBe(200);
    expect(await status('pinned.example:8443')).toBe(200);
    expect(await status('0.0.0.0:5000')).toBe(200);
    expect(await status('pinned.example:9000')).toBe(403);
    expect(await status('lab.example.evil.example')).toBe(403);
    const open = await serve({ allowedHosts: ['*'] });
    expect((await send(open, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', { Host: 'evil.example' })).status).toBe(200);
  });
});

describe('cross-origin state changes (CSRF)', () => {
  it('refuses a text/plain POST from another origin, and nothing is created', async () => {
    const body = JSON.stringify({ name: 'csrf-text-plain' });
    const reply = await send(port, 'POST', '/api/2.0/mlflow/experiments/create', { Origin: EVIL, 'Content-Type': 'text/plain;charset=UTF-8' }, body);
    expect(reply.status).toBe(403);
    expect(json(reply)).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    expect(json(reply).message).toContain('Cross-origin request blocked');
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(await experimentExists('csrf-text-plain')).toBe(false);
  });

  it('refuses every state-changing method from another origin, even with a JSON body (alias moves, deletes, uploads)', async () => {
    const attempts: [string, string][] = [
      ['POST', '/api/2.0/mlflow/registered-models/alias'],
      ['DELETE', '/api/2.0/mlflow/registered-models/alias'],
      ['POST', '/ajax-api/2.0/mlflow/experiments/delete'],
      ['PUT', '/api/2.0/mlflow-artifacts/artifacts/0/x/evil.txt'],
      ['PATCH', '/api/2.0/mlflow/registered-models/update'],
    ];
    for (const [method, path] of attempts) {
      for (const origin of [EVIL, 'null', `http://127.0.0.1:${port + 1}`]) {
        const reply = await send(port, method, path, { Origin: origin, ...JSON_TYPE }, '{}');
        expect(reply.status, `${method} ${path} from ${origin}`).toBe(403);
      }
    }
  });

  it('lets a same-origin UI request through (Origin of the page, JSON body, the UI header)', async () => {
    const reply = await send(
      port,
      'POST',
      '/ajax-api/2.0/mlflow/experiments/create',
      { Origin: `http://127.0.0.1:${port}`, 'X-Requested-With': 'aviary-ui', ...JSON_TYPE },
      JSON.stringify({ name: 'same-origin-ui' }),
    );
    expect(reply.status).toBe(200);
    expect(await experimentExists('same-origin-ui')).toBe(true);
    // Behind a TLS proxy: an https page on the default port, the Host as the proxy passes it.
    const proxied = await send(port, 'POST', '/api/2.0/mlflow/experiments/create', { Host: 'localhost', Origin: 'https://localhost', ...JSON_TYPE }, JSON.stringify({ name: 'proxied' }));
    expect(proxied.status).toBe(200);
  });
});

describe('JSON endpoints take JSON only', () => {
  it('refuses text/plain, form and untyped bodies with MLflow 400, even from no origin, and creates nothing', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'Content-Type': 'text/plain' }, /Content-Type must be one of \[application\/json\]\. Got 'text\/plain'/],
      [{ 'Content-Type': 'application/x-www-form-urlencoded' }, /must be one of \[application\/json\]/],
      [{ 'Content-Type': 'multipart/form-data; boundary=x' }, /must be one of \[application\/json\]/],
      [{}, /Content-Type header is missing/],
    ];
    for (const [headers, message] of cases) {
      const reply = await send(port, 'POST', '/api/2.0/mlflow/experiments/create', headers, JSON.stringify({ name: 'wrong-type' }));
      expect(reply.status, JSON.stringify(headers)).toBe(400);
      expect(json(reply)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(json(reply).message).toMatch(message);
    }
    expect(await experimentExists('wrong-type')).toBe(false);
    const charset = await send(port, 'POST', '/api/2.0/mlflow/experiments/create', { 'Content-Type': 'Application/JSON; charset=utf-8' }, JSON.stringify({ name: 'json-charset' }));
    expect(charset.status).toBe(200);
  });

  it('takes artifact uploads of any type', async () => {
    for (const type of ['application/octet-stream', 'text/plain', 'image/png']) {
      const path = `/api/2.0/mlflow-artifacts/artifacts/0/upload/file-${type.replace('/', '-')}`;
      expect((await send(port, 'PUT', path, { 'Content-Type': type }, Buffer.from([0, 1, 2]))).status, type).toBe(200);
      expect((await send(port, 'GET', path)).body).toBe('\u0000\u0001\u0002');
    }
  });
});

describe('CORS', () => {
  const NOTEBOOK = 'https://notebook.example';

  it('answers a preflight from a listed origin with 204 and the methods and headers, and refuses another', async () => {
    const cors = await serve({ corsAllowedOrigins: [NOTEBOOK, 'https://*.dash.example'] });
    const preflight = (origin: string) =>
      send(cors, 'OPTIONS', '/api/2.0/mlflow/experiments/create', { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' });
    for (const origin of [NOTEBOOK, 'https://team.dash.example']) {
      const ok = await preflight(origin);
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe(origin);
      expect(ok.headers['access-control-allow-methods']).toContain('POST');
      expect(String(ok.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
      expect(ok.headers['vary']).toContain('Origin');
    }
    const refused = await preflight(EVIL);
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(json(refused)).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    // Without a list (the default), no other origin gets a preflight.
    expect((await send(port, 'OPTIONS', '/api/2.0/mlflow/experiments/create', { Origin: NOTEBOOK, 'Access-Control-Request-Method': 'POST' })).status).toBe(403);

    const read = await send(cors, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', { Origin: NOTEBOOK });
    expect(read.headers['access-control-allow-origin']).toBe(NOTEBOOK);
    expect(read.headers['access-control-allow-credentials']).toBeUndefined();
    const foreignRead = await send(cors, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', { Origin: EVIL });
    expect(foreignRead.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreignRead.headers['vary']).toContain('Origin');
    const write = await send(cors, 'POST', '/api/2.0/mlflow/experiments/create', { Origin: NOTEBOOK, ...JSON_TYPE }, JSON.stringify({ name: 'from-notebook' }));
    expect(write.status).toBe(200);
    expect(write.headers['access-control-allow-origin']).toBe(NOTEBOOK);
  });
});

describe('security headers', () => {
  it('gives UI pages a same-origin CSP that forbids framing, and API answers a sandboxing one', async () => {
    const page = await send(port, 'GET', '/experiments/0');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('same-origin');
    for (const path of ['/api/2.0/mlflow/experiments/search?max_results=1', '/api/2.0/mlflow/no-such-route', '/health']) {
      const api = await send(port, 'GET', path);
      expect(api.headers['content-security-policy'], path).toContain('sandbox');
      expect(api.headers['x-content-type-options'], path).toBe('nosniff');
      expect(api.headers['x-frame-options'], path).toBe('DENY');
    }
  });
});
