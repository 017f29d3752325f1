// Attack test: an experiment may name a local artifact_location (MLflow's client writes there
// itself), but no request may make this server read or write that path: every server-side
// access to the artifacts of its runs and logged models is a 400 saying they are client-side.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryPathOf } from '../../artifacts/artifact-uri.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let secretDir: string;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  server = await startTestServer('client-side');
  secretDir = await mkdtemp(join(tmpdir(), 'aviary-secret-'));
});

afterAll(async () => {
  await server.close();
  await rm(secretDir, { recursive: true, force: true });
});

const CLIENT_SIDE = /^Artifacts under '.*' are at a client-side local path, which this server does not serve: /;

function expectClientSideRefusal(answer: { status: number; text: string }, secret?: string): void {
  expect(answer.status).toBe(400);
  const body = JSON.parse(answer.text) as { error_code: string; message: string };
  expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
  expect(body.message).toMatch(CLIENT_SIDE);
  if (secret) expect(answer.text).not.toContain(secret);
}

describe('an experiment at a client-side local path', () => {
  const locations = ['/etc', '..', 'file:///etc', '/'];
  for (const location of locations) {
    it(`${JSON.stringify(location)}: no request reads or writes the server's files`, async () => {
      const experimentId = JSON.parse((await call('POST', '/api/2.0/mlflow/experiments/create', { name: `at ${location}`, artifact_location: location })).text)
        .experiment_id as string;
      const runInfo = JSON.parse((await call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId })).text).run.info;
      const runId = runInfo.run_id as string;
      expect(runInfo.artifact_uri).toMatch(/^(\/|file:\/\/\/)/);

      expectClientSideRefusal(await call('GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}`));
      expectClientSideRefusal(await call('GET', `/ajax-api/2.0/mlflow/artifacts/list?run_id=${runId}&path=ssh`));
      expectClientSideRefusal(await call('GET', `/get-artifact?run_id=${runId}&path=passwd`), 'root:');

      const model = JSON.parse((await call('POST', '/api/2.0/mlflow/logged-models', { experiment_id: experimentId })).text).model.info;
      expect(model.artifact_uri).toMatch(/^(\/|file:\/\/\/)/);
      expectClientSideRefusal(await call('GET', `/ajax-api/2.0/mlflow/logged-models/${model.model_id}/artifacts/files?artifact_file_path=passwd`), 'root:');
    });
  }

  it('an upload through the UI endpoint writes nothing outside the artifact root', async () => {
    const experimentId = JSON.parse((await call('POST', '/api/2.0/mlflow/experiments/create', { name: 'upload target', artifact_location: secretDir })).text)
      .experiment_id as string;
    const runId = JSON.parse((await call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId })).text).run.info.run_id as string;
    await writeFile(join(secretDir, 'secret.txt'), 'top secret');
    const upload = await fetch(`${server.base}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=planted.txt`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: 'planted',
    });
    if (upload.status !== 404) expectClientSideRefusal({ status: upload.status, text: await upload.text() });
    expect(await readdir(secretDir)).toEqual(['secret.txt']);
    expectClientSideRefusal(await call('GET', `/get-artifact?run_id=${runId}&path=secret.txt`), 'top secret');
    const climbing = await call('GET', `/get-artifact?run_id=${runId}&path=../../secret.txt`);
    expect(climbing.status).toBe(400);
    expect(climbing.text).not.toContain('top secret');
  });

  it('the runtime and the broker meet the same refusal (their one way to a run’s files)', () => {
    expect(() => repositoryPathOf('/etc/1/abc/artifacts')).toThrow(CLIENT_SIDE);
    expect(() => repositoryPathOf('file:///etc/1/abc/artifacts')).toThrow(CLIENT_SIDE);
    expect(() => repositoryPathOf('s3://bucket/1/abc/artifacts')).toThrow(/not served/);
  });
});

describe('aviary server --default-artifact-root <local path>', () => {
  async function withRootedServer(config: { artifactsDestinationInRoot: boolean }, body: (rooted: TestServer, root: string) => Promise<void>) {
    const root = await mkdtemp(join(tmpdir(), 'aviary-local-root-'));
    // The server command sets the artifact folder to a local default root unless --artifacts-destination says otherwise.
    const rooted = await startTestServer('default-root', 'test', {
      defaultArtifactRoot: `file://${root}`,
      ...(config.artifactsDestinationInRoot && { artifactsDestination: root }),
    });
    try {
      await body(rooted, root);
    } finally {
      await rooted.close();
      await rm(root, { recursive: true, force: true });
    }
  }
  const post = async (base: string, path: string, body: unknown) =>
    (await fetch(`${base}/api/2.0/mlflow${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();

  it('keeps and serves the artifacts of experiments created without a location under it, as MLflow does', async () => {
    await withRootedServer({ artifactsDestinationInRoot: true }, async (rooted, root) => {
      const { experiment_id: experimentId } = await post(rooted.base, '/experiments/create', { name: 'rooted' });
      const experiment = (await (await fetch(`${rooted.base}/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`)).json()).experiment;
      expect(experiment.artifact_location).toBe(`file://${root}/${experimentId}`);
      const run = (await post(rooted.base, '/runs/create', { experiment_id: experimentId })).run.info;
      expect(run.artifact_uri).toBe(`file://${root}/${experimentId}/${run.run_id}/artifacts`);
      const upload = await fetch(`${rooted.base}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${run.run_id}&path=notes/a.txt`, { method: 'POST', body: 'hello' });
      expect(upload.status).toBe(200);
      expect(await readFile(join(root, experimentId, run.run_id, 'artifacts', 'notes', 'a.txt'), 'utf8')).toBe('hello');
      const listed = await (await fetch(`${rooted.base}/api/2.0/mlflow/artifacts/list?run_id=${run.run_id}&path=notes`)).json();
      expect(listed.files).toEqual([{ path: 'notes/a.txt', is_dir: false, file_size: 5 }]);
      const got = await fetch(`${rooted.base}/get-artifact?run_uuid=${run.run_id}&path=notes/a.txt`);
      expect(await got.text()).toBe('hello');

      // An experiment placed under the root by a path that leaves it is refused, not served.
      const { experiment_id: escaping } = await post(rooted.base, '/experiments/create', { name: 'escaping', artifact_location: `${root}/../${secretDir.split('/').pop()}` });
      const escapingRun = (await post(rooted.base, '/runs/create', { experiment_id: escaping })).run.info;
      const escaped = await fetch(`${rooted.base}/api/2.0/mlflow/artifacts/list?run_id=${escapingRun.run_id}`);
      expect(escaped.status).toBe(400);
      expect((await escaped.json()).message).toBe('Invalid path');
    });
  });

  it('leaves it to the clients when --artifacts-destination keeps the server\'s store elsewhere', async () => {
    await withRootedServer({ artifactsDestinationInRoot: false }, async (rooted, root) => {
      const { experiment_id: experimentId } = await post(rooted.base, '/experiments/create', { name: 'rooted' });
      const run = (await post(rooted.base, '/runs/create', { experiment_id: experimentId })).run.info;
      expect(run.artifact_uri).toBe(`file://${root}/${experimentId}/${run.run_id}/artifacts`);
      const listed = await fetch(`${rooted.base}/api/2.0/mlflow/artifacts/list?run_id=${run.run_id}`);
      expectClientSideRefusal({ status: listed.status, text: await listed.text() });
      expect(await readdir(root)).toEqual([]);
    });
  });
});
