// Every error leaves the server in MLflow 3's body: its code and message, and the SQLSTATE and
// error class MLflow derives from the code (mlflow/error_classification.py); a code MLflow's
// tables do not list gets neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowError } from '../common/mlflow-error.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('error-body');
});
afterAll(() => server.close());

async function answer(path: string, init?: RequestInit) {
  const res = await fetch(`${server.base}${path}`, init);
  return { status: res.status, body: await res.json() };
}

describe('error bodies', () => {
  it('a bad parameter: 400, KAM00, INVALID_PARAMETER_VALUE', async () => {
    expect(await answer('/api/2.0/mlflow/experiments/create', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
        sqlstate: 'KAM00',
        error_class: 'INVALID_PARAMETER_VALUE',
      },
    });
  });

  it('a missing resource and an unknown endpoint: 404, KAM00, RESOURCE_NOT_FOUND', async () => {
    const run = await answer('/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef');
    expect(run).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', sqlstate: 'KAM00', error_class: 'RESOURCE_NOT_FOUND' } });
    expect(Object.keys(run.body).sort()).toEqual(['error_class', 'error_code', 'message', 'sqlstate']);
    const endpoint = await answer('/api/2.0/mlflow/no-such-endpoint');
    expect(endpoint).toEqual({
      status: 404,
      body: { error_code: 'ENDPOINT_NOT_FOUND', message: 'No API endpoint found for GET /api/2.0/mlflow/no-such-endpoint', sqlstate: 'KAM00', error_class: 'RESOURCE_NOT_FOUND' },
    });
  });

  it("a code outside MLflow's tables (NOT_IMPLEMENTED, RESOURCE_CONFLICT) carries neither; a server error is XXM00", () => {
    expect(new MlflowError('NOT_IMPLEMENTED', 'no').toJSON()).toEqual({ error_code: 'NOT_IMPLEMENTED', message: 'no' });
    expect(new MlflowError('RESOURCE_CONFLICT', 'no').toJSON()).toEqual({ error_code: 'RESOURCE_CONFLICT', message: 'no' });
    expect(new MlflowError('INTERNAL_ERROR', 'no').toJSON()).toEqual({ error_code: 'INTERNAL_ERROR', message: 'no', sqlstate: 'XXM00', error_class: 'CLIENT_INTERNAL_ERROR' });
  });
});
