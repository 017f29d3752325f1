// Model versions over real HTTP: model-versions/create under
// MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX (read at each request, as MLflow does), and
// the artifact paths of version and run downloads refused with MLflow's exact "Invalid path".
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const VARIABLE = 'MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX';
let server: TestServer;

async function post(path: string, body: unknown) {
  const res = await fetch(`${server.base}/api/2.0/mlflow${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  server = await startTestServer('model-versions');
});

afterEach(() => {
  delete process.env[VARIABLE];
});

afterAll(async () => {
  await server.close();
});

describe(VARIABLE, () => {
  it('refuses a source the pattern does not find, with MLflow’s message, and takes one it finds', async () => {
    await post('/registered-models/create', { name: 'patterned' });
    const experimentId = (await post('/experiments/create', { name: 'patterned' })).json.experiment_id;
    const run = (await post('/runs/create', { experiment_id: experimentId })).json.run.info;
    process.env[VARIABLE] = '^mlflow-artifacts:/.*$';

    const refused = await post('/model-versions/create', { name: 'patterned', source: 's3://bucket/model' });
    expect(refused).toMatchObject({
      status: 400,
      json: { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid model version source: 's3://bucket/model'." },
    });
    const taken = await post('/model-versions/create', { name: 'patterned', source: `${run.artifact_uri}/model`, run_id: run.run_id });
    expect(taken.status).toBe(200);
    expect(taken.json.model_version).toMatchObject({ version: '1', source: `${run.artifact_uri}/model`, run_id: run.run_id });

    delete process.env[VARIABLE];
    expect((await post('/model-versions/create', { name: 'patterned', source: 's3://bucket/model' })).status).toBe(200);
  });

  it('a pattern that does not compile is the server’s error, named', async () => {
    await post('/registered-models/create', { name: 'broken-pattern' });
    process.env[VARIABLE] = '([';
    const answer = await post('/model-versions/create', { name: 'broken-pattern', source: 's3://bucket/model' });
    expect(answer.status).toBe(500);
    expect(answer.json.message).toMatch(/^MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX is not a valid regular expression .*: fix the server's environment$/);
  });
});

describe('artifact paths of versions and runs', () => {
  it("refuse '../' with MLflow's exact 'Invalid path', a route reached with a doubled leading slash too", async () => {
    const runId = (await post('/runs/create', {})).json.run.info.run_id;
    for (const path of [
      `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=../path`,
      `/get-artifact?run_id=${runId}&path=../path`,
      '/model-versions/get-artifact?name=model&version=1&path=../path',
      '//model-versions/get-artifact?name=model&version=1&path=../path',
    ]) {
      const res = await fetch(`${server.base}${path}`);
      expect([path, res.status, await res.json()]).toMatchObject([path, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' }]);
    }
  });
});
