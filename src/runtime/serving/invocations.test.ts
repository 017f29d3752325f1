import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../model-format/ml-model.js';
import type { Batch, ModelRuntime, Predictions } from '../model-runtime.js';
import { WorkerError } from '../worker/worker-errors.js';
import { invoke } from './invocations.js';

/** Answers y = 2x, or fails as told. */
function model(fail?: Error): { runtime: ModelRuntime; signature: ModelSignature; seen: Batch[] } {
  const seen: Batch[] = [];
  const runtime: ModelRuntime = {
    description: 'python-worker test',
    predict: async (batch: Batch): Promise<Predictions> => {
      seen.push(batch);
      if (fail) throw fail;
      return { names: ['prediction'], data: [Float64Array.from(batch.data[0] as Float64Array, (x) => 2 * x)] };
    },
    close: async () => {},
  };
  return { runtime, signature: { inputs: { kind: 'columns', columns: [{ name: 'x', type: 'double', required: true, raw: {} }] } }, seen };
}

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('POST /invocations', () => {
  it('scores JSON and CSV bodies, passing params through', async () => {
    const m = model();
    const answer = await invoke(m, 'application/json; charset=UTF-8', body({ dataframe_split: { columns: ['x'], data: [[1], [2.5]] }, params: { k: 1 } }));
    expect(answer).toEqual({ status: 200, contentType: 'application/json', body: '{"predictions":[2,5]}' });
    expect(m.seen[0]!.params).toEqual({ k: 1 });
    expect((await invoke(m, 'text/csv', body('x\n4\n'))).body).toBe('{"predictions":[8]}');
  });

  it.each([
    ['text/plain', "This predictor only supports the following content types"],
    [undefined, "Got 'None'."],
    ['application/json; charset=latin-1', 'The scoring server only supports UTF-8'],
    ['application/json; format=pandas-split', 'Unrecognized content type parameters: format.'],
  ])('answers 415 in plain text to content type %s', async (type, message) => {
    const answer = await invoke(model(), type, body({ inputs: [1] }));
    expect(answer.status).toBe(415);
    expect(answer.contentType).toMatch(/^text\/plain/);
    expect(answer.body).toContain(message);
  });

  it("answers bad input with MLflow's error shape", async () => {
    const answer = await invoke(model(), 'application/json', body([{ x: 1 }]));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.stringContaining('Received a list.') });
    const missing = await invoke(model(), 'application/json', body({ dataframe_records: [{ y: 1 }] }));
    expect(JSON.parse(missing.body)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("missing inputs ['x']") });
  });

  it('tells a model that raised from a worker that died or timed out', async () => {
    const raised = new WorkerError('model-error', 'm', 'predict raised ValueError: no', { exceptionType: 'ValueError', traceback: 'Traceback...' });
    const modelError = await invoke(model(raised), 'application/json', body({ inputs: [1] }));
    expect(modelError.status).toBe(400);
    expect(JSON.parse(modelError.body)).toMatchObject({ error_code: 'BAD_REQUEST', stack_trace: 'Traceback...' });
    const schema = new WorkerError('model-error', 'm', 'predict raised MlflowException: Failed to enforce schema', { exceptionType: 'MlflowException' });
    expect(JSON.parse((await invoke(model(schema), 'application/json', body({ inputs: [1] }))).body)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const timeout = await invoke(model(new WorkerError('timeout', 'm', 'timed out')), 'application/json', body({ inputs: [1] }));
    expect(timeout.status).toBe(504);
    const crash = await invoke(model(new WorkerError('crash', 'm', 'exited with code 3')), 'application/json', body({ inputs: [1] }));
    expect(crash.status).toBe(500);
    expect(JSON.parse(crash.body)).toMatchObject({ error_code: 'INTERNAL_ERROR' });
  });
});
