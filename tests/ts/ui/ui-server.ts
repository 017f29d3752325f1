/**
 * Test support for the browser tests: the web UI built by Vite from web/ into a fresh folder,
 * and an Aviary server (in this process, on a temp data directory) that serves it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'vite';
import { openAuth, type OpenedAuth } from '../../../src/app/open-auth.js';
import { configForDataDir, openAviary, type Aviary } from '../../../src/app/open-aviary.js';
import { silentLogger } from '../../../src/common/logger.js';
import { createApp } from '../../../src/server/create-app.js';

const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname, '../../..');

/** Builds web/ into `outDir` (the same config as `npm run build`, another folder). */
export async function buildWeb(outDir: string): Promise<void> {
  await build({ configFile: join(REPO, 'web/vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
}

export interface UiServer {
  readonly url: string;
  readonly aviary: Aviary;
  readonly work: string;
  close(): Promise<void>;
}

/** What `aviary server --auth` would be started with: the admin's name and password. */
export interface UiAuth {
  readonly adminUsername: string;
  readonly adminPassword: string;
}

/** A fresh data directory and a freshly built UI, served on a free port; with `auth`, as `aviary server --auth` serves it. */
export async function startUiServer(options: { auth?: UiAuth } = {}): Promise<UiServer> {
  const work = await mkdtemp(join(tmpdir(), 'aviary-ui-'));
  const webRoot = join(work, 'web');
  await buildWeb(webRoot);
  const config = configForDataDir(join(work, 'data'));
  const aviary = await openAviary(config, silentLogger);
  let auth: OpenedAuth | undefined;
  if (options.auth) {
    // The credential cache off: a test that deletes a user sees the next request refused.
    const authConfig = { ...options.auth, defaultPermission: 'READ', publicAlerts: false, credentialCacheSeconds: 0 } as const;
    auth = await openAuth(config.backendStoreUri, authConfig);
  }
  const server = createApp(aviary, { version: 'test', webRoot, auth: auth?.service }, silentLogger);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    aviary,
    work,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await auth?.close();
      await aviary.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Runs fixtures/fill_server.py with the real mlflow client (tests/python's environment) against the server. */
export async function fillWithMlflowClient<T>(server: UiServer): Promise<T> {
  const { url } = server;
  const summary = join(server.work, 'filled.json');
  const env = await run('bash', [join(REPO, 'scripts/python-env.sh'), join(REPO, 'tests/python/requirements.txt')], { maxBuffer: 1 << 24 });
  const python = join(env.stdout.trim(), 'bin/python');
  await run(python, [join(import.meta.dirname, 'fixtures/fill_server.py'), summary], {
    env: { ...process.env, MLFLOW_TRACKING_URI: url, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' },
    maxBuffer: 1 << 24,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`fill_server.py failed: ${err.message}\n${err.stderr ?? ''}`);
  });
  return JSON.parse(await readFile(summary, 'utf8')) as T;
}

/** A JSON call to the server's REST API; a non-2xx answer fails with the server's message. */
export async function api<T>(url: string, method: 'GET' | 'POST', endpoint: string, body?: Record<string, unknown>): Promise<T> {
  const query = method === 'GET' && body ? `?${new URLSearchParams(body as Record<string, string>).toString()}` : '';
  const response = await fetch(`${url}/api/2.0/mlflow/${endpoint}${query}`, {
    method,
    headers: method === 'POST' ? { 'Content-Type': 'application/json' } : {},
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${endpoint}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}
