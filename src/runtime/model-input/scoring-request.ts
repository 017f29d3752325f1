/**
 * The JSON body of MLflow's scoring protocol (mlflow/pyfunc/scoring_server): an object with
 * exactly one of `dataframe_split`, `dataframe_records`, `instances`, `inputs`, and optionally
 * `params`. Shapes and error messages follow MLflow 3's parser; the errors are MLflow's
 * BAD_REQUEST. `allowList` also takes a bare list of records (the `aviary models predict` file
 * shape), which MLflow's server refuses.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import type { Schema } from '../model-format/ml-model.js';
import { invalidInput, isRecord, preview, tableFromColumnMap, tableFromRecords, tableFromRows, type InputTable } from './input-table.js';

export interface ScoringRequest {
  readonly table: InputTable;
  readonly params?: Readonly<Record<string, unknown>>;
}

const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
/** MLflow's unified LLM payloads (messages, prompt, input): passed to the model unparsed, which a column batch cannot do. */
const LLM_KEYS = ['messages', 'prompt', 'input'];
const REQUIRED_INPUT_FORMAT = `The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}`;
const PROTOCOL_CHANGE_INFO =
  'IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an ' +
  'outdated scoring request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see ' +
  'https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.';

export interface ScoringOptions {
  /** Take a bare list of records. */
  readonly allowList?: boolean;
  /** The model declares params: "params" that are not a mapping are refused (otherwise MLflow ignores them). */
  readonly declaresParams?: boolean;
}

/** Parses the request's text; `schema` maps a bare list of values to a model's single named column, as MLflow does. */
export function parseScoringJson(text: string, schema?: Schema, options: ScoringOptions = {}): ScoringRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw invalidInput(`Ensure that input is a valid JSON formatted string. Error: '${(err as Error).message}'`);
  }
  return parseScoringBody(body, schema, options);
}

export function parseScoringBody(body: unknown, schema?: Schema, options: ScoringOptions = {}): ScoringRequest {
  if (Array.isArray(body)) {
    if (options.allowList) return { table: tableFromRecords(body) };
    throw invalidInput(`${REQUIRED_INPUT_FORMAT}. Received a list.`);
  }
  if (!isRecord(body)) throw invalidInput(`${REQUIRED_INPUT_FORMAT}. Received unexpected input type '${typeof body}'.`);
  if (LLM_KEYS.some((key) => key in body)) {
    throw new MlflowError('BAD_REQUEST', `Unified LLM payloads (${LLM_KEYS.join(', ')}) are not supported by Aviary: send ${FORMATS.join(', ')}`);
  }
  const present = FORMATS.filter((key) => key in body);
  if (present.length !== 1) {
    const fields = `[${present.map((k) => `'${k}'`).join(', ')}]`;
    throw new MlflowError('BAD_REQUEST', `${REQUIRED_INPUT_FORMAT}. Received dictionary with input fields: ${fields}. ${PROTOCOL_CHANGE_INFO}`);
  }
  const params = isRecord(body.params) ? body.params : undefined;
  if (body.params !== undefined && body.params !== null && !params && options.declaresParams) {
    throw MlflowError.invalid(`Failed to predict data. \nError: Parameters must be a dictionary. Got type '${pythonType(body.params)}'.`);
  }
  const format = present[0]!;
  const data = body[format];
  const table =
    format === 'dataframe_split' ? splitTable(data) : format === 'dataframe_records' ? recordsTable(data) : tensorInput(format, data, schema);
  return params ? { table, params } : { table };
}

function splitTable(data: unknown): InputTable {
  if (!isRecord(data)) throw invalidInput(`Dataframe split format must be a dictionary. Got ${Array.isArray(data) ? 'list' : `type ${typeof data}`}.`);
  const keys = Object.keys(data);
  if (!('data' in data) || keys.some((k) => !['columns', 'data', 'index'].includes(k))) {
    throw invalidInput(`Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got {${keys.map((k) => `'${k}'`).join(', ')}}.'`);
  }
  if (!Array.isArray(data.data)) throw invalidInput(`Provided dataframe_split field is not a valid dataframe representation in 'split' format. Error: 'data must be a list'`);
  const columns = data.columns;
  if (columns !== undefined && columns !== null && !Array.isArray(columns)) {
    throw invalidInput(`Provided dataframe_split field is not a valid dataframe representation in 'split' format. Error: 'columns must be a list'`);
  }
  try {
    return tableFromRows(data.data, (columns as unknown[] | null | undefined) ?? undefined);
  } catch (err) {
    throw invalidInput(`Provided dataframe_split field is not a valid dataframe representation in 'split' format. Error: '${(err as Error).message}'`);
  }
}

function recordsTable(data: unknown): InputTable {
  if (!Array.isArray(data)) throw invalidInput(`Dataframe records format must be a list of records. Got ${isRecord(data) ? 'dictionary' : `type ${typeof data}`}.`);
  // pandas takes a list of lists as rows too.
  return data.length > 0 && data.every((row) => Array.isArray(row)) ? tableFromRows(data) : tableFromRecords(data);
}

/** `instances` and `inputs` (TF serving): records, a column mapping, or an array of rows or values. */
function tensorInput(format: string, data: unknown, schema?: Schema): InputTable {
  if (Array.isArray(data) && data.length > 0 && data.every(isRecord)) {
    const table = tableFromRecords(data);
    if (format === 'instances') checkRecordLengths(data);
    return table;
  }
  if (isRecord(data)) return tableFromColumnMap(data);
  if (Array.isArray(data)) {
    const single = schema?.kind === 'columns' && schema.columns.length === 1 ? schema.columns[0]!.name : undefined;
    if (single !== undefined && !data.some((v) => Array.isArray(v))) return tableFromColumnMap({ [single]: data });
    return tableFromRows(data);
  }
  if (data === null || typeof data !== 'object') return tableFromRows([data]);
  throw invalidInput(`Ensure that the input is a valid JSON-formatted string.\nError: unexpected ${preview(data)}`);
}

/** MLflow turns `instances` records into columns and needs every column to be as long as the others. */
function checkRecordLengths(records: readonly Record<string, unknown>[]): void {
  const counts = new Map<string, number>();
  for (const record of records) for (const key of Object.keys(record)) counts.set(key, (counts.get(key) ?? 0) + 1);
  if (new Set(counts.values()).size > 1) throw invalidInput('The length of values for each input/column name are not the same');
}

function pythonType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}
