// The endpoints MLflow serves its UI under /ajax-api/2.0/mlflow alone, and a logged model's
// files, over real HTTP: answers shaped and worded as mlflow server 3.17.2 answers them.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let base: string;
let dir: string;

beforeAll(async () => {
  server = await startTestServer('ui-tracking-routes');
  ({ base, dir } = server);
});

afterAll(() => server.close());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: (text !== '' && res.headers.get('content-type') === 'application/json' ? JSON.parse(text) : undefined) as Record<string, any>, headers: res.headers };
}
const post = (path: string, body: unknown) => call('POST', `/api/2.0/mlflow${path}`, body);
const invalid = (message: string) => ({ error_code: 'INVALID_PARAMETER_VALUE', message });

async function newRun(experimentId = '0'): Promise<{ run_id: string; artifact_uri: string }> {
  return (await post('/runs/create', { experiment_id: experimentId })).json.run.info;
}

describe('GET /ajax-api/2.0/mlflow/metrics/get-history-bulk', () => {
  const bulk = (query: string) => call('GET', `/ajax-api/2.0/mlflow/metrics/get-history-bulk?${query}`);

  it("answers every run's points by run id, then timestamp, step and value, capped by max_results", async () => {
    const [a, b] = [await newRun(), await newRun()].sort((x, y) => x.run_id.localeCompare(y.run_id));
    const log = (runId: string, value: number, timestamp: number, step: number) => post('/runs/log-metric', { run_id: runId, key: 'loss', value, timestamp, step });
    await log(b!.run_id, 3, 100, 0);
    await log(a!.run_id, 2, 200, 1);
    await log(a!.run_id, 1, 100, 5);
    await log(a!.run_id, 0.5, 100, 5);
    await post('/runs/log-metric', { run_id: a!.run_id, key: 'other', value: 9, timestamp: 1, step: 0 });

    const all = await bulk(`run_id=${b!.run_id}&run_id=${a!.run_id}&run_id=not-a-run&metric_key=loss`);
    expect(all.status).toBe(200);
    expect(all.json).toEqual({
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 100, step: 5, run_id: a!.run_id },
        { key: 'loss', value: 1, timestamp: 100, step: 5, run_id: a!.run_id },
        { key: 'loss', value: 2, timestamp: 200, step: 1, run_id: a!.run_id },
        { key: 'loss', value: 3, timestamp: 100, step: 0, run_id: b!.run_id },
      ],
    });
    expect((await bulk(`run_id=${a!.run_id}&run_id=${b!.run_id}&metric_key=loss&max_results=2`)).json.metrics).toEqual(all.json.metrics.slice(0, 2));
    expect((await bulk(`run_id=${a!.run_id}&metric_key=loss&max_results=99999999`)).json.metrics).toHaveLength(3);
    expect((await bulk(`run_id=${a!.run_id}&metric_key=absent`)).json).toEqual({ metrics: [] });
  });

  it("refuses what MLflow refuses, with MLflow's messages", async () => {
    expect(await bulk('metric_key=loss')).toMatchObject({ status: 400, json: invalid('GetMetricHistoryBulk request must specify at least one run_id.') });
    expect(await bulk('run_id=r')).toMatchObject({ status: 400, json: invalid('GetMetricHistoryBulk request must specify a metric_key.') });
    const many = Array.from({ length: 101 }, (_, i) => `run_id=r${i}`).join('&');
    expect(await bulk(`${many}&metric_key=loss`)).toMatchObject({
      status: 400,
      json: invalid('GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.'),
    });
    const notANumber = await bulk('run_id=r&metric_key=loss&max_results=ten');
    expect(notANumber.status).toBe(400);
    expect(notANumber.json.message).toContain("'max_results'");
  });

  it('is served under /ajax-api only, as in MLflow', async () => {
    expect((await call('GET', '/api/2.0/mlflow/metrics/get-history-bulk?run_id=r&metric_key=m')).json.error_code).toBe('ENDPOINT_NOT_FOUND');
  });
});

describe('POST /ajax-api/2.0/mlflow/experiments/search-datasets', () => {
  const search = (body: unknown) => call('POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', body);

  it('lists each dataset an experiment used once per context, the context absent when none was given', async () => {
    const experimentId = (await post('/experiments/create', { name: 'datasets' })).json.experiment_id as string;
    const dataset = (name: string) => ({ name, digest: `d-${name}`, source_type: 'local', source: `/data/${name}` });
    const context = (value: string) => [{ key: 'mlflow.data.context', value }];
    const [first, second] = [await newRun(experimentId), await newRun(experimentId)];
    await post('/runs/log-inputs', { run_id: first!.run_id, datasets: [{ dataset: dataset('train'), tags: context('training') }, { dataset: dataset('raw') }] });
    await post('/runs/log-inputs', { run_id: second!.run_id, datasets: [{ dataset: dataset('train'), tags: context('training') }, { dataset: dataset('train'), tags: context('eval') }] });
    const found = await search({ experiment_ids: [experimentId] });
    expect(found.status).toBe(200);
    const summaries = found.json.dataset_summaries as Record<string, string>[];
    expect(summaries).toHaveLength(3);
    expect(summaries).toEqual(
      expect.arrayContaining([
        { experiment_id: experimentId, name: 'raw', digest: 'd-raw' },
        { experiment_id: experimentId, name: 'train', digest: 'd-train', context: 'training' },
        { experiment_id: experimentId, name: 'train', digest: 'd-train', context: 'eval' },
      ]),
    );
    expect(await search({ experiment_ids: ['0', '987654'] })).toMatchObject({ status: 200, json: {} });
  });

  it("refuses what MLflow refuses, with MLflow's messages", async () => {
    expect(await search({})).toMatchObject({ status: 400, json: invalid('SearchDatasets request must specify at least one experiment_id.') });
    expect(await search({ experiment_ids: ['x'] })).toMatchObject({ status: 400, json: invalid("Invalid experiment ID 'x'. Experiment ID must be a valid integer.") });
    const many = Array.from({ length: 21 }, (_, i) => String(i));
    expect(await search({ experiment_ids: many })).toMatchObject({
      status: 400,
      json: invalid('SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.'),
    });
  });
});

describe('POST /ajax-api/2.0/mlflow/upload-artifact', () => {
  const upload = (query: string, body?: string) =>
    call('POST', `/ajax-api/2.0/mlflow/upload-artifact?${query}`, body ?? '', { 'Content-Type': 'text/plain' });

  it("stores the body at the path under the run's artifact root, answering an empty body", async () => {
    const run = await newRun();
    const done = await upload(`run_uuid=${run.run_id}&path=notes/a.txt`, 'hello');
    expect(done).toMatchObject({ status: 200, text: '' });
    expect(done.headers.get('content-type')).toBe('application/json');
    const listed = await call('GET', `/api/2.0/mlflow/artifacts/list?run_id=${run.run_id}&path=notes`);
    expect(listed.json).toEqual({ root_uri: run.artifact_uri, files: [{ path: 'notes/a.txt', is_dir: false, file_size: 5 }] });
  });

  it("refuses a missing field, an empty or oversize body, an unknown run and any path leaving the run's root", async () => {
    const run = await newRun();
    expect(await upload('path=a.txt', 'x')).toMatchObject({ status: 400, json: invalid('Request must specify run_uuid.') });
    expect(await upload(`run_uuid=${run.run_id}`, 'x')).toMatchObject({ status: 400, json: invalid('Request must specify path.') });
    expect(await upload(`run_uuid=${run.run_id}&path=a.txt`)).toMatchObject({ status: 400, json: invalid('Request must specify data.') });
    expect(await upload(`run_uuid=${run.run_id}&path=a.bin`, 'x'.repeat(10 * 1024 * 1024 + 1))).toMatchObject({
      status: 400,
      json: invalid('Artifact size is too large. Max size is 10MB.'),
    });
    expect((await upload('run_uuid=no-such-run&path=a.txt', 'x')).json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    for (const path of ['../escape.txt', 'a/../../escape.txt', '/etc/escape.txt', 'a%2F..%2F..%2Fescape.txt', 'a\\..\\escape.txt']) {
      const refused = await upload(`run_uuid=${run.run_id}&path=${encodeURIComponent(path)}`, 'x');
      expect(refused.status, path).toBe(400);
      expect(refused.json.message, path).toBe('Invalid path');
    }
    await expect(stat(join(dir, 'artifacts', '0', 'escape.txt'))).rejects.toThrow();
  });
});

describe("a logged model's artifacts", () => {
  it('lists folders (under both API prefixes) and serves files (under /ajax-api), relative to the model', async () => {
    const model = (await post('/logged-models', { experiment_id: '0', name: 'clf' })).json.model.info;
    const root = (model.artifact_uri as string).replace(/^mlflow-artifacts:\//, '');
    for (const [name, text] of [['MLmodel', 'flavors: {}'], ['data/model.pkl', 'bytes']]) {
      expect((await call('PUT', `/api/2.0/mlflow-artifacts/artifacts/${root}/${name}`, text, {})).status).toBe(200);
    }
    const top = await call('GET', `/api/2.0/mlflow/logged-models/${model.model_id}/artifacts/directories`);
    expect(top).toMatchObject({
      status: 200,
      json: { root_uri: model.artifact_uri, files: [{ path: 'MLmodel', is_dir: false, file_size: 11 }, { path: 'data', is_dir: true }] },
    });
    const inner = await call('GET', `/ajax-api/2.0/mlflow/logged-models/${model.model_id}/artifacts/directories?artifact_directory_path=data`);
    expect(inner.json.files).toEqual([{ path: 'data/model.pkl', is_dir: false, file_size: 5 }]);
    const file = await call('GET', `/ajax-api/2.0/mlflow/logged-models/${model.model_id}/artifacts/files?artifact_file_path=data/model.pkl`);
    expect(file).toMatchObject({ status: 200, text: 'bytes' });
    expect(file.headers.get('content-disposition')).toBe('attachment; filename=model.pkl');

    const noPath = await call('GET', `/ajax-api/2.0/mlflow/logged-models/${model.model_id}/artifacts/files`);
    expect(noPath).toMatchObject({ status: 400, json: { error_code: 'BAD_REQUEST', message: 'Request must include the "artifact_file_path" query parameter.' } });
    const escape = await call('GET', `/ajax-api/2.0/mlflow/logged-models/${model.model_id}/artifacts/files?artifact_file_path=../x`);
    expect(escape.status).toBe(400);
    expect(escape.json.message).toBe('Invalid path');
    expect((await call('GET', `/ajax-api/2.0/mlflow/logged-models/${model.model_id}/artifacts/directories?artifact_directory_path=../..`)).status).toBe(400);
    const unknown = await call('GET', '/api/2.0/mlflow/logged-models/m-unknown/artifacts/directories');
    expect(unknown).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });
});

describe('GET /model-versions/get-artifact', () => {
  it("serves a file of the version's files, refusing paths that leave them", async () => {
    const run = await newRun();
    const root = run.artifact_uri.replace(/^mlflow-artifacts:\//, '');
    expect((await call('PUT', `/api/2.0/mlflow-artifacts/artifacts/${root}/model/MLmodel`, 'flavors: {}', {})).status).toBe(200);
    await post('/registered-models/create', { name: 'downloads' });
    const version = (await post('/model-versions/create', { name: 'downloads', source: `runs:/${run.run_id}/model`, run_id: run.run_id })).json.model_version;
    const file = await call('GET', `/model-versions/get-artifact?name=downloads&version=${version.version}&path=MLmodel`);
    expect(file).toMatchObject({ status: 200, text: 'flavors: {}' });
    const escape = await call('GET', `/model-versions/get-artifact?name=downloads&version=${version.version}&path=../../x`);
    expect(escape.status).toBe(400);
    expect(escape.json.message).toBe('Invalid path');
    expect((await call('GET', '/model-versions/get-artifact?name=downloads&version=99&path=MLmodel')).json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
