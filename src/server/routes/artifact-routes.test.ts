import { randomBytes } from 'node:crypto';
import { request, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalArtifactRepository } from '../../artifacts/local-artifact-repository.js';
import { MlflowError } from '../../common/mlflow-error.js';
import { silentLogger } from '../../common/logger.js';
import { createHttpServer } from '../http-server.js';
import { Router } from '../router.js';
import { repositoryPathOf } from '../../artifacts/artifact-uri.js';
import { artifactServiceRoutes, contentDisposition, guessMimeType, runArtifactRoutes } from './artifact-routes.js';

const SERVICE = '/api/2.0/mlflow-artifacts';
const FILES = `${SERVICE}/artifacts`;
const RUN_ROOT = '0/run-1/artifacts';

interface RawAnswer {
  status: number;
  body: string;
}

describe('artifact routes over HTTP', () => {
  let base: string;
  let server: Server;
  let origin: string;
  let port: number;

  /** A request sent exactly as written: `fetch` would resolve '..' segments before sending. */
  function raw(method: string, path: string, body?: Buffer): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** An unsafe path is MLflow's exact "Invalid path"; a missing one says so after that word. */
  async function expectRefused(answer: RawAnswer | Response, message: string | RegExp = 'Invalid path'): Promise<void> {
    const body = 'body' in answer && typeof answer.body === 'string' ? JSON.parse(answer.body) : await (answer as Response).json();
    expect(answer.status).toBe(400);
    expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
    if (typeof message === 'string') expect(body.message).toBe(message);
    else expect(body.message).toMatch(message);
  }

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'aviary-artifact-routes-'));
    const root = join(base, 'root');
    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'secret.txt'), 'secret');
    await mkdir(root);
    await symlink(join(base, 'outside'), join(root, 'escape'));
    const repo = new LocalArtifactRepository(root);
    const runs: Record<string, string> = { 'run-1': `mlflow-artifacts:/${RUN_ROOT}` };
    const artifactUriOf = async (runId: string) => {
      const uri = runs[runId];
      if (!uri) throw MlflowError.notFound(`Run with id=${runId} not found`);
      return uri;
    };
    const router = new Router()
      .mount([SERVICE, '/ajax-api/2.0/mlflow-artifacts'], artifactServiceRoutes(repo))
      .mount([''], runArtifactRoutes(repo, artifactUriOf, ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']));
    server = createHttpServer(router, silentLogger);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    origin = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(base, { recursive: true, force: true });
  });

  it('stores a PUT body and gives the same bytes back, with MLflow headers', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const put = await fetch(`${origin}${FILES}/${RUN_ROOT}/model/model.pkl`, { method: 'PUT', body: bytes });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({});

    const got = await fetch(`${origin}${FILES}/${RUN_ROOT}/model/model.pkl`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-length')).toBe(String(bytes.length));
    expect(got.headers.get('content-disposition')).toBe('attachment; filename=model.pkl');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('decodes names once and serves text as text/plain', async () => {
    await fetch(`${origin}${FILES}/${RUN_ROOT}/notes%20%C3%A9t%C3%A9.txt`, { method: 'PUT', body: 'hello' });
    const got = await fetch(`${origin}/ajax-api/2.0/mlflow-artifacts/artifacts/${RUN_ROOT}/notes%20%C3%A9t%C3%A9.txt`);
    expect(got.headers.get('content-type')).toBe('text/plain');
    expect(got.headers.get('content-disposition')).toBe(
      "attachment; filename=\"notes ete.txt\"; filename*=UTF-8''notes%20%C3%A9t%C3%A9.txt",
    );
    expect(await got.text()).toBe('hello');
  });

  it('lists a folder with basenames, and answers {} for nothing', async () => {
    await fetch(`${origin}${FILES}/${RUN_ROOT}/model/MLmodel`, { method: 'PUT', body: 'flavors: {}\n' });
    const listed = await fetch(`${origin}${FILES}?path=${encodeURIComponent(`${RUN_ROOT}/model`)}`);
    expect(await listed.json()).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'model.pkl', is_dir: false, file_size: 3 * 1024 * 1024 + 17 },
      ],
    });
    expect(await (await fetch(`${origin}${FILES}?path=no/such/folder`)).json()).toEqual({});
    const top = await (await fetch(`${origin}${FILES}`)).json();
    expect(top).toEqual({ files: [{ path: '0', is_dir: true }] });
  });

  it('deletes, after which the file is gone', async () => {
    await fetch(`${origin}${FILES}/${RUN_ROOT}/tmp/gone.txt`, { method: 'PUT', body: 'x' });
    const del = await fetch(`${origin}${FILES}/${RUN_ROOT}/tmp`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({});
    const got = await fetch(`${origin}${FILES}/${RUN_ROOT}/tmp/gone.txt`);
    expect(got.status).toBe(404);
    expect(await got.json()).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `No such artifact: '${RUN_ROOT}/tmp/gone.txt'`,
    });
  });

  it('refuses a folder as a download, as MLflow', async () => {
    const got = await fetch(`${origin}${FILES}/${RUN_ROOT}/model`);
    expect(got.status).toBe(400);
    expect((await got.json()).message).toBe(`Artifact path refers to a directory, not a file: '${RUN_ROOT}/model'`);
  });

  describe('traversal attempts', () => {
    it.each([
      ['GET', `${FILES}/0/../secret.txt`],
      ['GET', `${FILES}/0/%2e%2e/secret.txt`],
      ['GET', `${FILES}/..%2F..%2Foutside%2Fsecret.txt`],
      ['GET', `${FILES}/0%2Fsecret.txt`],
      ['GET', `${FILES}/%252e%252e/secret.txt`],
      ['GET', `${FILES}/0/..%5Csecret.txt`],
      ['GET', `${FILES}/escape/secret.txt`],
      ['GET', `${FILES}?path=..`],
      ['GET', `${FILES}?path=${encodeURIComponent('../outside')}`],
      ['GET', `${FILES}?path=%2Fetc`],
      ['GET', `${FILES}?path=escape`],
      ['PUT', `${FILES}/0/../planted.txt`],
      ['PUT', `${FILES}/0/%2e%2e/planted.txt`],
      ['PUT', `${FILES}/escape/planted.txt`],
      ['DELETE', `${FILES}/escape/secret.txt`],
      ['DELETE', `${FILES}/0/%2e%2e/0`],
      ['POST', `${SERVICE}/mpu/create/0/%2e%2e/x`],
      ['GET', `/get-artifact?run_uuid=run-1&path=../../../outside/secret.txt`],
      ['GET', `/api/2.0/mlflow/artifacts/list?run_id=run-1&path=..%2F..`],
    ])('%s %s is answered 400 INVALID_PARAMETER_VALUE', async (method, path) => {
      await expectRefused(await raw(method, path, method === 'PUT' ? Buffer.from('planted') : undefined));
    });

    // Dot segments that would climb out of the artifact routes are refused at the edge,
    // before routing, since the route would never see them.
    it.each([
      ['PUT', `${FILES}/../../../../planted.txt`],
      ['PUT', `${FILES}/0/../../planted.txt`],
      ['PUT', `${FILES}/%2e%2e/planted.txt`],
      ['GET', `${FILES}/0/%2E%2E/%2e%2e/outside/secret.txt`],
      ['POST', `${SERVICE}/mpu/create/%2e%2e/x`],
    ])('%s %s is refused at the edge with 400', async (method, path) => {
      await expectRefused(await raw(method, path, method === 'PUT' ? Buffer.from('planted') : undefined));
    });

    it('planted nothing anywhere', async () => {
      expect(await readdir(join(base, 'outside'))).toEqual(['secret.txt']);
      expect(await readdir(base)).toEqual(['outside', 'root']);
      expect((await readdir(join(base, 'root'))).sort()).toEqual(['0', 'escape']);
    });

    it('leaves the server serving', async () => {
      const got = await fetch(`${origin}${FILES}/${RUN_ROOT}/model/MLmodel`);
      expect(got.status).toBe(200);
      expect(await got.text()).toBe('flavors: {}\n');
    });
  });

  it('refuses an artifact route without a path', async () => {
    await expectRefused(await fetch(`${origin}${FILES}/`, { method: 'DELETE' }), /^Invalid path: /);
    await expectRefused(await fetch(`${origin}${FILES}`, { method: 'PUT', body: 'x' }), /^Invalid path: /);
  });

  it("answers multipart upload and presigned download with MLflow's NOT_IMPLEMENTED", async () => {
    for (const [step, body] of [
      ['create', { path: 'big.bin', num_parts: 3 }],
      ['complete', { path: 'big.bin', upload_id: 'u', parts: [{ part_number: 1, etag: 'e' }] }],
      ['abort', { path: 'big.bin', upload_id: 'u' }],
    ] as const) {
      const res = await fetch(`${origin}${SERVICE}/mpu/${step}/${RUN_ROOT}`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(501);
      expect(await res.json()).toEqual({
        error_code: 'NOT_IMPLEMENTED',
        message: 'Multipart upload is not supported for the current artifact repository',
      });
    }
    const missingPath = await fetch(`${origin}${SERVICE}/mpu/create/${RUN_ROOT}`, { method: 'POST', body: '{}' });
    expect(missingPath.status).toBe(400);
    expect((await missingPath.json()).message).toMatch(/^Missing value for required parameter 'path'/);
    const presigned = await fetch(`${origin}${SERVICE}/presigned/${RUN_ROOT}/model/model.pkl`);
    expect(presigned.status).toBe(501);
    expect((await presigned.json()).message).toBe('Multipart download is not supported for the current artifact repository');
  });

  it('leaves no file behind when an upload is cut off mid-body', async () => {
    const folder = join(base, 'root', RUN_ROOT, 'cut');
    const entries = () => readdir(folder).catch(() => [] as string[]);
    async function until(done: (names: string[]) => boolean): Promise<string[]> {
      for (let i = 0; i < 200; i++) {
        const names = await entries();
        if (done(names)) return names;
        await new Promise((r) => setTimeout(r, 10));
      }
      return entries();
    }
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path: `${FILES}/${RUN_ROOT}/cut/partial.bin`,
      headers: { 'Content-Length': String(10 * 1024 * 1024) },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(1024 * 1024, 7));
    // The upload is under way: only its temporary file exists.
    expect(await until((names) => names.length > 0)).toEqual([expect.stringMatching(/^\.aviary-upload-.*\.tmp$/)]);
    req.destroy();
    expect(await until((names) => names.length === 0)).toEqual([]);
  });

  describe('run artifact routes', () => {
    it('lists a run folder with paths relative to the run root', async () => {
      const res = await fetch(`${origin}/api/2.0/mlflow/artifacts/list?run_id=run-1&path=model`);
      expect(await res.json()).toEqual({
        root_uri: `mlflow-artifacts:/${RUN_ROOT}`,
        files: [
          { path: 'model/MLmodel', is_dir: false, file_size: 12 },
          { path: 'model/model.pkl', is_dir: false, file_size: 3 * 1024 * 1024 + 17 },
        ],
      });
      const top = await (await fetch(`${origin}/ajax-api/2.0/mlflow/artifacts/list?run_uuid=run-1`)).json();
      expect(top.files).toContainEqual({ path: 'model', is_dir: true });
      const empty = await (await fetch(`${origin}/api/2.0/mlflow/artifacts/list?run_id=run-1&path=none`)).json();
      expect(empty).toEqual({ root_uri: `mlflow-artifacts:/${RUN_ROOT}` });
    });

    it('downloads through /get-artifact', async () => {
      const res = await fetch(`${origin}/get-artifact?path=model/MLmodel&run_uuid=run-1`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename=MLmodel');
      expect(await res.text()).toBe('flavors: {}\n');
    });

    it('answers an unknown run and a missing parameter as MLflow', async () => {
      const unknown = await fetch(`${origin}/get-artifact?path=x&run_uuid=nope`);
      expect(unknown.status).toBe(404);
      expect((await unknown.json()).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      const noRun = await fetch(`${origin}/api/2.0/mlflow/artifacts/list`);
      expect(noRun.status).toBe(400);
      expect((await noRun.json()).message).toMatch(/^Missing value for required parameter 'run_id'/);
    });
  });
});

describe('repositoryPathOf', () => {
  it.each([
    ['mlflow-artifacts:/0/abc/artifacts', '0/abc/artifacts'],
    ['mlflow-artifacts://host:5000/0/abc/artifacts', '0/abc/artifacts'],
    ['mlflow-artifacts:/', ''],
    ['http://host/api/2.0/mlflow-artifacts/artifacts/0/abc/artifacts', '0/abc/artifacts'],
    ['https://host/prefix/api/2.0/mlflow-artifacts/artifacts/0/my%20run/artifacts', '0/my run/artifacts'],
  ])('maps %s to %j', (uri, path) => {
    expect(repositoryPathOf(uri)).toBe(path);
  });

  it('refuses roots it does not serve, and roots that climb', () => {
    expect(() => repositoryPathOf('/var/mlruns/0/abc/artifacts')).toThrow(/client-side local path, which this server does not serve/);
    expect(() => repositoryPathOf('s3://bucket/0/abc/artifacts')).toThrow(/not served/);
    expect(() => repositoryPathOf('mlflow-artifacts:/../etc')).toThrow(/Invalid path/);
  });
});

describe('content headers as MLflow writes them', () => {
  it.each([
    ['notes.txt', 'text/plain'],
    ['config.yaml', 'text/plain'],
    ['metrics.json', 'text/plain'],
    ['MLmodel', 'text/plain'],
    ['MLproject', 'text/plain'],
    ['plot.png', 'image/png'],
    ['PHOTO.JPG', 'image/jpeg'],
    ['cutout.fits', 'image/fits'],
    ['page.html', 'text/html'],
    ['model.pkl', 'application/octet-stream'],
    ['model.onnx', 'application/octet-stream'],
    ['.bashrc', 'application/octet-stream'],
    ['noextension', 'application/octet-stream'],
  ])('%s is %s', (name, type) => {
    expect(guessMimeType(name)).toBe(type);
  });

  it('quotes names that are not tokens', () => {
    expect(contentDisposition('model.pkl')).toBe('attachment; filename=model.pkl');
    expect(contentDisposition('a "b".txt')).toBe('attachment; filename="a \\"b\\".txt"');
    expect(contentDisposition('模型.bin')).toBe("attachment; filename=.bin; filename*=UTF-8''%E6%A8%A1%E5%9E%8B.bin");
  });
});
