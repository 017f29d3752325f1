/**
 * Test support for models reached over HTTP: `aviary server` as a real process on its own data
 * dir (bin/aviary.js: run `node scripts/build.mjs --cli` first outside the full suite), its REST
 * API called with or without credentials, and a model folder registered through it as the
 * mlflow client would (a run's artifacts uploaded through the proxy, a version from runs:/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { AVIARY_BIN } from '../../../src/cli/testing/run-cli-process.js';

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  /** Everything the server wrote on stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  readonly dataDir: string;
  /** Default: a free one. */
  readonly port?: number;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** `aviary server` on 127.0.0.1, resolved once it listens. */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const args = ['server', '--data-dir', options.dataDir, '--host', '127.0.0.1', '--port', String(options.port ?? 0), ...(options.args ?? [])];
  const child: ChildProcess = spawn(process.execPath, [AVIARY_BIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aviary server did not start within 30 s:\n${stderr}`));
    }, 30_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (!listening) return;
      clearTimeout(timer);
      const port = Number(listening[1]);
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        output: () => stderr,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`aviary server exited with ${code} before listening:\n${stderr}`));
    });
  });
}

/** A port nothing listens on (taken and released at once). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export const basicAuth = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** A call to the server's REST API (`path` from /api/...); a non-2xx answer fails with the server's message. */
export async function rest<T>(url: string, method: string, path: string, body?: unknown, authorization?: string): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(authorization ? { Authorization: authorization } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export interface RegisteredFolder {
  readonly runId: string;
  readonly version: string;
}

/**
 * `folder`'s files logged as the artifacts `model/` of a new run in experiment `name`, registered
 * as a new version of `name` from runs:/<run>/model, and given `alias` when asked.
 */
export async function registerModelFolder(url: string, name: string, folder: string, options: { authorization?: string; alias?: string } = {}): Promise<RegisteredFolder> {
  const auth = options.authorization;
  const mlflow = <T = unknown>(endpoint: string, body: unknown) => rest<T>(url, 'POST', `/api/2.0/mlflow/${endpoint}`, body, auth);
  const { experiment_id } = await mlflow<{ experiment_id: string }>('experiments/create', { name: `${name}-${Date.now()}` });
  const { run } = await mlflow<{ run: { info: { run_id: string; artifact_uri: string } } }>('runs/create', { experiment_id });
  const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const path = `${root}/model/${relative(folder, file)}`.split('/').map(encodeURIComponent).join('/');
    const response = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${path}`, { method: 'PUT', body: await readFile(file), headers: auth ? { Authorization: auth } : {} });
    if (!response.ok) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`);
  }
  await mlflow('registered-models/create', { name }).catch((err: Error) => {
    if (!/RESOURCE_ALREADY_EXISTS/.test(err.message)) throw err;
  });
  const { model_version } = await mlflow<{ model_version: { version: string } }>('model-versions/create', { name, source: `runs:/${run.info.run_id}/model`, run_id: run.info.run_id });
  if (options.alias) await mlflow('registered-models/alias', { name, alias: options.alias, version: model_version.version });
  return { runId: run.info.run_id, version: model_version.version };
}
