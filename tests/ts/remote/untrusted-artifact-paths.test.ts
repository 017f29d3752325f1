/**
 * What a tracking server lists is untrusted: a hostile server (a real HTTP server answering the
 * artifact proxy's two endpoints as it likes) cannot make a download write outside its folder.
 * An honest listing of nested folders comes down whole, a few files at a time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchModel } from '../../../src/runtime/model-source.js';
import { openRemoteModelStore, type RemoteModelStore } from '../../../src/runtime/remote-model-store/remote-model-store.js';
import { trackingServerSettings } from '../../../src/runtime/remote-model-store/tracking-server-settings.js';

type Listing = { path: string; is_dir?: boolean }[];

/** Folder listings by path, and file bodies by path; each file answers after 40 ms, counted while under way. */
const listings = new Map<string, Listing>();
const files = new Map<string, string>();
let underWay = 0;
let mostUnderWay = 0;

let server: Server;
let store: RemoteModelStore;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'aviary-untrusted-'));
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/api/2.0/mlflow-artifacts/artifacts') return json(200, { files: listings.get(url.searchParams.get('path') ?? '') ?? [] });
    const file = decodeURIComponent(url.pathname.slice('/api/2.0/mlflow-artifacts/artifacts/'.length));
    if (!files.has(file)) return json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `No such artifact: '${file}'` });
    mostUnderWay = Math.max(mostUnderWay, ++underWay);
    setTimeout(() => {
      underWay -= 1;
      res.end(files.get(file));
    }, 40);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  store = openRemoteModelStore(trackingServerSettings(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {}));
});

afterAll(async () => {
  await store?.close();
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  if (work) await rm(work, { recursive: true, force: true });
});

describe('downloads from a tracking server', () => {
  it('brings nested folders down whole, at most four files at a time', async () => {
    listings.set('m', [{ path: 'MLmodel' }, { path: 'data', is_dir: true }, ...['a', 'b', 'c', 'd', 'e'].map((n) => ({ path: `${n}.bin` }))]);
    listings.set('m/data', [{ path: 'weights.bin' }]);
    for (const name of ['MLmodel', 'a.bin', 'b.bin', 'c.bin', 'd.bin', 'e.bin', 'data/weights.bin']) files.set(`m/${name}`, `contents of ${name}`);
    const into = join(work, 'honest');
    const fetched = await fetchModel('mlflow-artifacts:/m', store, { into });
    expect(fetched.files).toBe(7);
    expect(await readFile(join(into, 'data/weights.bin'), 'utf8')).toBe('contents of data/weights.bin');
    expect(mostUnderWay).toBeGreaterThan(1);
    expect(mostUnderWay).toBeLessThanOrEqual(4);
  });

  it.each([
    ['../escaped', 'm'],
    ['../../escaped', 'm'],
    ['/tmp/escaped', 'm'],
    ['sub/escaped', 'm'],
    ['..', 'm'],
    ['%2e%2e/escaped', 'm'],
    ['evil\\..\\escaped', 'm'],
  ])("refuses a listed name '%s' before writing anything", async (name) => {
    listings.set('bad', [{ path: 'MLmodel' }, { path: name, is_dir: name === '..' }]);
    files.set('bad/MLmodel', 'flavors: {}');
    const into = join(work, `hostile-${encodeURIComponent(name)}`, 'model');
    await expect(fetchModel('mlflow-artifacts:/bad', store, { into })).rejects.toThrow(new RegExp(`listed '${name.replace(/[.*\\/]/g, '\\$&')}' in 'bad'`));
    await expect(readdir(into)).rejects.toThrow(); // not even the honest file
    expect((await readdir(work, { recursive: true })).filter((path) => path.includes('escaped'))).toEqual([]);
  });

  it('refuses a full path that leaves the folder listed', async () => {
    listings.set('deep', [{ path: 'deep/../../escaped' }]);
    await expect(fetchModel('mlflow-artifacts:/deep', store, { into: join(work, 'deep') })).rejects.toThrow(/listed 'deep\/\.\.\/\.\.\/escaped' in 'deep'/);
  });
});
