/**
 * POST /invocations of MLflow's scoring protocol, without the HTTP: a content type and a body
 * in, a status, content type and body out. The behaviour is MLflow 3's
 * (mlflow/pyfunc/scoring_server/__init__.py): JSON, CSV and Parquet bodies, UTF-8 only, 415
 * with a plain-text reason for anything else, {"predictions": ...} on success, and MLflow's
 * {"error_code", "message"[, "stack_trace"]} with its status for bad input or a failing model.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import type { LoadedModel } from '../load-model.js';
import { batchForModel } from '../model-input/batch-for-model.js';
import { tableFromCsv } from '../model-input/csv-table.js';
import { invalidInput } from '../model-input/input-table.js';
import { tableFromParquetBytes } from '../model-input/parquet-table.js';
import { parseScoringJson, type ScoringRequest } from '../model-input/scoring-request.js';
import { predictionsJson } from '../model-output/predictions-output.js';
import { WorkerError } from '../worker/worker-errors.js';

export interface InvocationResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const CSV = 'text/csv';
const JSON_TYPE = 'application/json';
const PARQUET = 'application/vnd.apache.parquet';
const PROTOCOL_CHANGE_INFO =
  'IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. For more information about the updated MLflow ' +
  'Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.';

export async function invoke(model: Pick<LoadedModel, 'runtime' | 'signature'>, contentType: string | undefined, body: Buffer): Promise<InvocationResponse> {
  const [mime = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim());
  const values = new Map(parameters.map((pair) => [pair.split('=')[0]!.trim(), pair.slice(pair.indexOf('=') + 1).trim()] as const));
  if ((values.get('charset') ?? 'utf-8').toLowerCase() !== 'utf-8') return text(415, 'The scoring server only supports UTF-8');
  const unexpected = [...values.keys()].filter((key) => key !== 'charset');
  if (unexpected.length > 0) return text(415, `Unrecognized content type parameters: ${unexpected.join(', ')}. ${PROTOCOL_CHANGE_INFO}`);
  if (![CSV, JSON_TYPE, PARQUET].includes(mime)) {
    return text(415, `This predictor only supports the following content types: Types: ['${CSV}', '${JSON_TYPE}', '${PARQUET}']. Got '${contentType ?? 'None'}'.`);
  }
  try {
    const request = await parse(mime, body, model);
    const batch = batchForModel(request.table, model.signature?.inputs, request.params);
    const predictions = await model.runtime.predict(batch).catch((err: unknown) => {
      throw new PredictFailure(err);
    });
    return { status: 200, contentType: JSON_TYPE, body: predictionsJson(predictions) };
  } catch (err) {
    return failure(err);
  }
}

/** The model (not the request's parsing) failed. */
class PredictFailure {
  constructor(readonly error: unknown) {}
}

async function parse(mime: string, body: Buffer, model: Pick<LoadedModel, 'signature'>): Promise<ScoringRequest> {
  const inputs = model.signature?.inputs;
  if (mime === PARQUET) return { table: await tableFromParquetBytes(body) };
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (err) {
    throw invalidInput(`Ensure that input is a valid UTF-8 encoded string. Error: '${(err as Error).message}'`);
  }
  return mime === CSV ? { table: tableFromCsv(decoded, inputs) } : parseScoringJson(decoded, inputs, { declaresParams: (model.signature?.params?.length ?? 0) > 0 });
}

function failure(caught: unknown): InvocationResponse {
  if (caught instanceof MlflowError) return json(caught.status, caught.toJSON());
  const err = caught instanceof PredictFailure ? caught.error : caught;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof WorkerError && err.kind === 'model-error' && err.details.exceptionType === 'MlflowException') {
    // MLflow's own checks in the model's environment (schema, params): its INVALID_PARAMETER_VALUE.
    return json(400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Failed to predict data. \nError: ${err.reason.replace(/^predict raised MlflowException: /, '')}` });
  }
  if (err instanceof WorkerError && err.kind === 'timeout') return { status: 504, contentType: JSON_TYPE, body: 'Request processing time exceeded limit' };
  if (caught instanceof PredictFailure && !(err instanceof WorkerError && err.kind !== 'model-error')) {
    return json(400, {
      error_code: 'BAD_REQUEST',
      message: 'Encountered an unexpected error while evaluating the model. Verify that the serialized input Dataframe is compatible with the model for inference.',
      stack_trace: err instanceof WorkerError ? (err.details.traceback ?? err.reason) : message,
    });
  }
  return json(500, { error_code: 'INTERNAL_ERROR', message }); // a worker that crashed, ran out of memory or was closed
}

function text(status: number, body: string): InvocationResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}

function json(status: number, body: object): InvocationResponse {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body) };
}
