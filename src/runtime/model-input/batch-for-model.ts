/**
 * An InputTable made into the Batch a model takes, by its signature: named columns in the
 * signature's order (extra columns left out, missing required ones refused, as MLflow's schema
 * enforcement does), numbers as Float64Array (the worker casts them to the signature's integer,
 * float32 or boolean types), anything else as JSON values. Without a signature, or with an
 * unnamed one, every column is kept in the order given.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import type { ColumnSpec, Schema } from '../model-format/ml-model.js';
import type { Batch, Column } from '../model-runtime.js';
import type { InputTable } from './input-table.js';

const NUMERIC = new Set(['double', 'float', 'long', 'integer']);

export function batchForModel(table: InputTable, inputs?: Schema, params?: Readonly<Record<string, unknown>>): Batch {
  const named = inputs?.kind === 'columns' && inputs.columns.length > 0 && inputs.columns.every((c) => c.name !== undefined);
  const picked = named ? pickBySignature(table, inputs.columns) : table.names.map((name, i) => ({ name, values: table.columns[i]!, spec: undefined }));
  return {
    columns: picked.map((p) => p.name),
    data: picked.map((p) => typedColumn(p.values, p.spec?.type)),
    rows: table.rows,
    ...(params && Object.keys(params).length > 0 ? { params } : {}),
  };
}

function pickBySignature(table: InputTable, specs: readonly ColumnSpec[]): { name: string; values: readonly unknown[]; spec?: ColumnSpec }[] {
  const given = new Map(table.names.map((name, i) => [name, table.columns[i]!]));
  const missing = specs.filter((s) => s.required && !given.has(s.name!)).map((s) => s.name!);
  if (missing.length > 0) {
    const extra = table.names.filter((name) => !specs.some((s) => s.name === name));
    const note = extra.length > 0 ? ` Note that there were extra inputs: ${pythonList(extra)}.` : '';
    // As MLflow's pyfunc wraps its schema enforcement errors, and its scoring server the result.
    throw MlflowError.invalid(`Failed to predict data. \nError: Failed to enforce schema of data. Error: Model is missing inputs ${pythonList(missing)}.${note}`);
  }
  return specs.filter((s) => given.has(s.name!)).map((spec) => ({ name: spec.name!, values: given.get(spec.name!)!, spec }));
}

/**
 * Numbers (and numeric text for a numeric column, booleans for a boolean one) as float64, null
 * as NaN; a column that is not all numbers travels as JSON values for the model to judge.
 */
export function typedColumn(values: readonly unknown[], type?: string): Column {
  const wantsNumbers = type === undefined || NUMERIC.has(type) || type === 'boolean';
  if (wantsNumbers) {
    const numbers = new Float64Array(values.length);
    let ok = true;
    let seen = false;
    for (let i = 0; i < values.length && ok; i++) {
      const n = numberOf(values[i], type);
      if (n === undefined) ok = false;
      else {
        numbers[i] = n;
        seen ||= values[i] !== null;
      }
    }
    if (ok && (seen || type !== undefined)) return numbers;
  }
  return values.map((v) => jsonValue(v, type)) as Column;
}

function numberOf(value: unknown, type: string | undefined): number | undefined {
  if (value === null || value === undefined) return Number.NaN;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return type === 'boolean' ? Number(value) : undefined;
  if (typeof value === 'string' && type !== undefined && type !== 'boolean') {
    const text = value.trim();
    if (text === '') return Number.NaN;
    const n = Number(text);
    return Number.isNaN(n) && !/^nan$/i.test(text) ? undefined : n;
  }
  return undefined;
}

/** A value the JSON column can carry: bigints as numbers when exact (else their digits), bytes as base64. */
function jsonValue(value: unknown, type: string | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (type === 'string' && typeof value !== 'string') return typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Lists and mappings (array or object columns, tensor rows) travel as nested JSON.
  if (typeof value === 'object') return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
  return value;
}

/** A list of names as Python prints it: ['a', 'b']. */
function pythonList(names: readonly string[]): string {
  return `[${names.map((n) => `'${n}'`).join(', ')}]`;
}
