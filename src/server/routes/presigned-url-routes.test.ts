// The presigned-URL endpoints over real HTTP: MLflow's checks of the request, then MLflow's
// refusal for proxied (mlflow-artifacts:) storage, which is all Aviary keeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer('presigned-url-routes');
});

afterAll(() => server.close());

async function post(path: string, body: unknown) {
  const res = await fetch(`${server.base}/api/2.0/mlflow${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
const invalid = (message: string) => ({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message } });

describe('artifacts/presigned-upload-url and presigned-download-url', () => {
  it("check the request as MLflow, then refuse proxied storage with MLflow's message", async () => {
    const runId = (await post('/runs/create', { experiment_id: '0' })).json.run.info.run_id as string;
    const modelId = (await post('/logged-models', { experiment_id: '0' })).json.model.info.model_id as string;
    const proxiedUpload = invalid(
      'Presigned upload is not supported for proxied artifact storage (artifact URI scheme: mlflow-artifacts). This endpoint requires a direct cloud storage artifact URI.',
    );
    expect(await post('/artifacts/presigned-upload-url', { run_id: runId, path: 'a.txt' })).toMatchObject(proxiedUpload);
    expect(await post('/artifacts/presigned-upload-url', { model_id: modelId, path: 'a.txt' })).toMatchObject(proxiedUpload);
    expect(await post('/artifacts/presigned-upload-url', { run_id: runId, model_id: modelId, path: 'a.txt' })).toMatchObject(
      invalid('Exactly one of run_id and model_id must be provided.'),
    );
    expect((await post('/artifacts/presigned-upload-url', { run_id: runId })).json.message).toContain("'path'");
    expect(await post('/artifacts/presigned-download-url', { run_id: runId, path: 'a.txt' })).toMatchObject(
      invalid(
        'Presigned download is not supported for runs with proxied artifact storage (artifact URI scheme: mlflow-artifacts). This endpoint requires a run with a direct cloud storage artifact URI.',
      ),
    );
    expect(await post('/artifacts/presigned-download-url', { run_id: runId, path: 'a.txt', expiration: 0 })).toMatchObject(
      invalid('expiration must be between 1 and 604800 seconds (got 0).'),
    );
    const escape = await post('/artifacts/presigned-download-url', { run_id: runId, path: '../a.txt' });
    expect(escape.status).toBe(400);
    expect(escape.json.message).toBe('Invalid path');
    expect((await post('/artifacts/presigned-download-url', { run_id: 'no-such-run', path: 'a.txt' })).status).toBe(404);
  });
});
