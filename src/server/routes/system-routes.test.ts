// What the server says of itself: the MLflow release it serves at /version (the one the Python
// tests' client pins), Aviary's own version beside it, and MLflow's GenAI routes answered as
// not served, each naming its family.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLFLOW_VERSION } from '../../common/mlflow-version.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer('system-routes', '9.8.7');
  ({ base } = server);
});

afterAll(() => server.close());

describe('versions', () => {
  it('answers the MLflow release served at /version, as plain text, the same the Python tests pin', async () => {
    const res = await fetch(`${base}/version`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe(MLFLOW_VERSION);
    const requirements = await readFile(new URL('../../../tests/python/requirements.txt', import.meta.url), 'utf8');
    expect(requirements).toMatch(new RegExp(`^mlflow==${MLFLOW_VERSION.replace(/\./g, '\\.')}$`, 'm'));
  });

  it("gives Aviary's own version at /api/aviary/version and in a header of every answer, errors included", async () => {
    const res = await fetch(`${base}/api/aviary/version`);
    expect(await res.json()).toEqual({ aviary: '9.8.7', mlflow: MLFLOW_VERSION });
    for (const path of ['/api/aviary/version', '/health', '/api/2.0/mlflow/experiments/get?experiment_id=404', '/api/2.0/mlflow/no-such-thing']) {
      expect((await fetch(`${base}${path}`)).headers.get('x-aviary-version'), path).toBe('9.8.7');
    }
  });
});

describe("MLflow's GenAI routes", () => {
  const families: [method: string, path: string, family: string][] = [
    ['POST', '/api/3.0/mlflow/traces', 'traces'],
    ['GET', '/ajax-api/3.0/mlflow/traces/tr-123/info', 'traces'],
    ['POST', '/api/2.0/mlflow/traces/search', 'traces'],
    ['POST', '/v1/traces', 'traces'],
    ['POST', '/ajax-api/2.0/mlflow/get-trace-artifact', 'traces'],
    ['POST', '/api/3.0/mlflow/gateway/endpoints/create', 'AI gateway'],
    ['POST', '/ajax-api/2.0/mlflow/gateway-proxy', 'AI gateway'],
    ['POST', '/gateway/my-endpoint/mlflow/invocations', 'AI gateway'],
    ['POST', '/ajax-api/3.0/mlflow/issues/search', 'issues'],
    ['POST', '/api/3.0/mlflow/datasets/create', 'evaluation datasets'],
    ['GET', '/ajax-api/3.0/mlflow/scorers/list', 'scorers'],
    ['POST', '/ajax-api/3.0/mlflow/scorer/invoke', 'scorers'],
    ['GET', '/api/3.0/mlflow/label-schemas/list', 'label schemas and review queues'],
    ['POST', '/ajax-api/3.0/mlflow/review-queues/create', 'label schemas and review queues'],
    ['POST', '/ajax-api/2.0/mlflow/runs/create-promptlab-run', 'prompt lab'],
    ['POST', '/api/3.0/mlflow/prompt-optimization/jobs', 'prompt optimization'],
    ['GET', '/ajax-api/3.0/mlflow/jobs/job-1', 'jobs'],
    ['POST', '/ajax-api/3.0/jobs/search', 'jobs'],
    ['POST', '/ajax-api/3.0/mlflow/genai/evaluate/invoke', 'GenAI evaluation'],
    ['POST', '/ajax-api/3.0/mlflow/assistant/message', 'assistant'],
    ['GET', '/api/3.0/mlflow/workspaces', 'workspaces'],
  ];

  it.each(families)("%s %s answers MLflow's 404 naming %s as not served", async (method, path, family) => {
    const res = await fetch(`${base}${path}`, { method, ...(method === 'POST' && { headers: { 'Content-Type': 'application/json' }, body: '{}' }) });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `No API endpoint found for ${method} ${path}: MLflow's ${family} API is not served by Aviary (it serves tracking, logged models, the model registry and artifacts)`,
    });
  });

  it('leaves other unknown paths with the plain message, and the routes Aviary serves untouched', async () => {
    const unknown = await fetch(`${base}/api/2.0/mlflow/no-such-thing`);
    expect(await unknown.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND', message: 'No API endpoint found for GET /api/2.0/mlflow/no-such-thing' });
    expect((await fetch(`${base}/api/2.0/mlflow/experiments/get?experiment_id=0`)).status).toBe(200);
  });
});
