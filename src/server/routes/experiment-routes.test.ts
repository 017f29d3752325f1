// experiments/create's artifact_location over real HTTP: the default and mlflow-artifacts:/
// locations give runs whose artifacts this server stores and lists; local paths are stored
// absolute as client-side locations, which no request can make this server read or write;
// anything else (remote URLs, another host, unsafe paths) is a 400 saying what is supported.
import type { Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAviary, type Aviary } from '../../app/open-aviary.js';
import { silentLogger } from '../../common/logger.js';
import { createApp } from '../create-app.js';

let dir: string;
let aviary: Aviary;
let server: Server;
let base: string;

async function post(path: string, body: unknown) {
  const res = await fetch(`${base}/api/2.0/mlflow${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
async function get(path: string) {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aviary-experiment-routes-'));
  aviary = await openAviary({ backendStoreUri: 'sqlite:///:memory:', artifactsDestination: join(dir, 'artifacts') }, silentLogger);
  server = createApp(aviary, { version: 'test' }, silentLogger);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await aviary.close();
  await rm(dir, { recursive: true, force: true });
});

/** Creates an experiment, a run in it, uploads a file to the run and lists it back. */
async function roundTrip(name: string, artifactLocation?: string) {
  const created = await post('/experiments/create', { name, ...(artifactLocation !== undefined && { artifact_location: artifactLocation }) });
  expect(created.status).toBe(200);
  const experimentId: string = created.json.experiment_id;
  const experiment = (await get(`/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`)).json.experiment;
  const run = (await post('/runs/create', { experiment_id: experimentId })).json.run.info;
  const upload = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${run.artifact_uri.replace(/^mlflow-artifacts:\//, '')}/note.txt`, { method: 'PUT', body: 'hello' });
  expect(upload.status).toBe(200);
  const listed = await get(`/api/2.0/mlflow/artifacts/list?run_id=${run.run_id}`);
  expect(listed.status).toBe(200);
  expect(listed.json.files.map((f: any) => f.path)).toEqual(['note.txt']);
  return { experimentId, location: experiment.artifact_location as string, runArtifactUri: run.artifact_uri as string, runId: run.run_id as string };
}

describe('experiments/create artifact_location', () => {
  it('defaults to mlflow-artifacts:/<experiment id>, also when given as an empty string', async () => {
    for (const [name, location] of [['default', undefined], ['empty', '']] as const) {
      const { experimentId, location: stored, runArtifactUri, runId } = await roundTrip(name, location);
      expect(stored).toBe(`mlflow-artifacts:/${experimentId}`);
      expect(runArtifactUri).toBe(`mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
    }
  });

  it('takes an mlflow-artifacts:/ path in this server’s store', async () => {
    const { location, runArtifactUri, runId } = await roundTrip('team', 'mlflow-artifacts:/team-a/supernovae/');
    expect(location).toBe('mlflow-artifacts:/team-a/supernovae/');
    expect(runArtifactUri).toBe(`mlflow-artifacts:/team-a/supernovae/${runId}/artifacts`);
    expect(await readFile(join(dir, 'artifacts', 'team-a', 'supernovae', runId, 'artifacts', 'note.txt'), 'utf8')).toBe('hello');
  });

  const SUPPORTED = /cannot serve artifacts from there; supported are mlflow-artifacts:\/<path> locations in this server's artifact store/;
  const refused: [location: string, why: RegExp][] = [
    ['http://169.254.169.254/', SUPPORTED],
    ['https://example.com/api/2.0/mlflow-artifacts/artifacts/x', SUPPORTED],
    ['s3://bucket/path', SUPPORTED],
    ['MLFLOW-ARTIFACTS:/x', SUPPORTED],
    ['file://169.254.169.254/etc', /a file: URI on another host is not a local path/],
    ['mlflow-artifacts://169.254.169.254:80/x', /: a host is not allowed; supported are mlflow-artifacts:\/<path>/],
    ['mlflow-artifacts:///x', /a host is not allowed/],
    ['mlflow-artifacts:/', /the path is empty/],
    ['mlflow-artifacts:/../../etc', /the path is not safe: '\.\.' is not allowed/],
    ['mlflow-artifacts:/a/../../b', /the path is not safe: '\.\.' is not allowed/],
    ['mlflow-artifacts:/a//b', /the path is not safe: empty or '\.' segments/],
    ['mlflow-artifacts:/a/%2e%2e/b', /the path is not safe: percent-encoded/],
    ['mlflow-artifacts:/a\\..\\b', /the path is not safe: backslashes/],
    ['mlflow-artifacts:/a\u0001b', /the path is not safe: control characters/],
  ];
  for (const [location, why] of refused) {
    it(`refuses ${JSON.stringify(location)} with 400, creating nothing`, async () => {
      const name = `refused-${location}`;
      const { status, json } = await post('/experiments/create', { name, artifact_location: location });
      expect(status).toBe(400);
      expect(json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(json.message.startsWith(`Invalid artifact_location '${location}': `)).toBe(true);
      expect(json.message).toMatch(why);
      expect(json.message).toMatch(/ and local paths the client writes to itself \(relative, absolute or file:\); leave artifact_location unset for the default, mlflow-artifacts:\/<experiment id>$/);
      expect((await get(`/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`)).status).toBe(404);
    });
  }

  it("refuses a runs:/ location with MLflow's words", async () => {
    const location = 'runs:/0123456789abcdef0123456789abcdef/model';
    const { status, json } = await post('/experiments/create', { name: 'runs-location', artifact_location: location });
    expect(status).toBe(400);
    expect(json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: `Artifact location cannot be a runs:/ URI. Given: '${location}'` });
  });

  it('stores local paths absolute, as MLflow does: relative ones against the working directory', async () => {
    const stored = async (location: string) => {
      const created = await post('/experiments/create', { name: `local ${location}`, artifact_location: location });
      expect(created.status).toBe(200);
      return (await get(`/api/2.0/mlflow/experiments/get?experiment_id=${created.json.experiment_id}`)).json.experiment.artifact_location;
    };
    expect(await stored('my_location')).toBe(join(process.cwd(), 'my_location'));
    expect(await stored('./a/./b')).toBe(join(process.cwd(), 'a/b'));
    expect(await stored('/data/mlruns')).toBe('/data/mlruns');
    expect(await stored('file:///data/mlruns')).toBe('file:///data/mlruns');
    expect(await stored('file:relative')).toBe(`file://${join(process.cwd(), 'relative')}`);
  });
  it('shows at most 200 characters of a long location, and refuses one longer than 2000', async () => {
    const { status, json } = await post('/experiments/create', { name: 'long', artifact_location: `s3://${'x'.repeat(5000)}` });
    expect(status).toBe(400);
    expect(json.message.length).toBeLessThan(600);
    expect(json.message).toContain(`'s3://${'x'.repeat(195)}...'`);
    const local = await post('/experiments/create', { name: 'long local', artifact_location: `/${'x'.repeat(2000)}` });
    expect(local.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Invalid artifact path length. The length of the artifact path cannot be greater than 2000 characters.',
    });
  });
});
