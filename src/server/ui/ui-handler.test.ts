import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { createHttpServer } from '../http-server.js';
import { Router } from '../router.js';
import { uiHandler } from './ui-handler.js';

const work = mkdtempSync(join(tmpdir(), 'aviary-ui-handler-'));
const built = join(work, 'web');
mkdirSync(join(built, 'assets'), { recursive: true });
writeFileSync(join(built, 'index.html'), '<!doctype html><title>app</title>');
writeFileSync(join(built, 'assets/index-abc123.js'), 'console.log(1)');
writeFileSync(join(built, 'assets/index-abc123.css'), 'body{}');
writeFileSync(join(work, 'secret.txt'), 'outside the web root');

const servers: Server[] = [];
async function serve(webRoot: string): Promise<string> {
  const router = new Router()
    .mount(['/api/2.0/mlflow'], [{ method: 'GET', pattern: '/experiments/get', handler: () => ({ experiment: {} }) }, { method: 'POST', pattern: '/runs/create', handler: () => ({}) }])
    .add('GET', '/health', () => ({ ok: true }))
    .fallbackForGet(uiHandler(webRoot));
  const server = createHttpServer(router, silentLogger);
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let url: string;
beforeAll(async () => {
  url = await serve(built);
});
afterAll(async () => {
  for (const s of servers) await new Promise((done) => s.close(done));
  rmSync(work, { recursive: true, force: true });
});

describe('the web UI handler', () => {
  it('serves hashed assets with their content type, cached for a year', async () => {
    const js = await fetch(`${url}/assets/index-abc123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log(1)');
    const css = await fetch(`${url}/assets/index-abc123.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers the root and every page URL with index.html, revalidated', async () => {
    for (const path of ['/', '/experiments', '/experiments/12?filter=x', '/models/a%20model']) {
      const page = await fetch(`${url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(await page.text()).toBe('<!doctype html><title>app</title>');
    }
  });

  it('leaves the API its routes and its JSON errors', async () => {
    expect(await (await fetch(`${url}/api/2.0/mlflow/experiments/get`)).json()).toEqual({ experiment: {} });
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true });
    const missing = await fetch(`${url}/api/2.0/mlflow/no-such-endpoint`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error_code: string }).error_code).toBe('ENDPOINT_NOT_FOUND');
    expect((await fetch(`${url}/ajax-api/2.0/mlflow/x`)).status).toBe(404);
    expect((await fetch(`${url}/api/2.0/mlflow/runs/create`)).status).toBe(405);
    expect((await fetch(`${url}/anything`, { method: 'POST' })).status).toBe(404);
  });

  it('answers a missing asset with 404, not the page', async () => {
    const missing = await fetch(`${url}/assets/index-gone.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
  });

  it('never serves a file outside its folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const response = await fetch(`${url}${path}`);
      expect(await response.text(), path).not.toContain('outside the web root');
    }
  });

  it('shows a page saying how to build the UI when it is not built', async () => {
    const bare = await serve(join(work, 'not-built'));
    const page = await fetch(`${bare}/experiments`);
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const text = await page.text();
    expect(text).toContain('The web UI is not built');
    expect(text).toContain('npm run build');
    expect((await fetch(`${bare}/api/2.0/mlflow/experiments/get`)).status).toBe(200);
  });
});
