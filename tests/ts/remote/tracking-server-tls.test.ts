/**
 * An https:// tracking server with a certificate of its own (made by openssl for 127.0.0.1): not
 * trusted by default, with one line saying which variable to set; trusted through
 * MLFLOW_TRACKING_SERVER_CERT_PATH, or unchecked with MLFLOW_TRACKING_INSECURE_TLS=true.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchModel } from '../../../src/runtime/model-source.js';
import { openRemoteModelStore } from '../../../src/runtime/remote-model-store/remote-model-store.js';
import { trackingServerSettings } from '../../../src/runtime/remote-model-store/tracking-server-settings.js';

const run = promisify(execFile);
let work: string;
let server: Server;
let url: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-tls-'));
  const [key, cert] = [join(work, 'key.pem'), join(work, 'cert.pem')];
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  // The artifact proxy's two endpoints, for one model folder holding MLmodel.
  server = createServer({ key: await readFile(key), cert: await readFile(cert) }, (req, res) => {
    if (req.url!.startsWith('/api/2.0/mlflow-artifacts/artifacts?')) res.end(JSON.stringify({ files: [{ path: 'MLmodel', is_dir: false }] }));
    else if (req.url === '/api/2.0/mlflow-artifacts/artifacts/m/MLmodel') res.end('flavors: {}\n');
    else res.writeHead(404).end('{"error_code":"ENDPOINT_NOT_FOUND","message":"no"}');
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  if (work) await rm(work, { recursive: true, force: true });
});

async function download(env: NodeJS.ProcessEnv, label: string): Promise<string> {
  const store = openRemoteModelStore(trackingServerSettings(url, env));
  try {
    const into = join(work, label);
    await fetchModel('mlflow-artifacts:/m', store, { into });
    return await readFile(join(into, 'MLmodel'), 'utf8');
  } finally {
    await store.close();
  }
}

describe('an https tracking server', () => {
  it('is refused while its certificate is unknown, with the variables that change that', async () => {
    await expect(download({}, 'untrusted')).rejects.toThrow(
      new RegExp(`^tracking server ${url}: its TLS certificate is not trusted \\(.*\\): set MLFLOW_TRACKING_SERVER_CERT_PATH .*MLFLOW_TRACKING_INSECURE_TLS=true`),
    );
  });

  it('is trusted through MLFLOW_TRACKING_SERVER_CERT_PATH, or not checked with MLFLOW_TRACKING_INSECURE_TLS', async () => {
    expect(await download({ MLFLOW_TRACKING_SERVER_CERT_PATH: join(work, 'cert.pem') }, 'trusted')).toBe('flavors: {}\n');
    expect(await download({ MLFLOW_TRACKING_INSECURE_TLS: 'true' }, 'insecure')).toBe('flavors: {}\n');
  });
});
