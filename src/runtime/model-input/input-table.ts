/**
 * Model input as it arrives (JSON records, columns or rows, CSV, Parquet), column-major and not
 * yet typed: batch-for-model.ts orders and types it by the model's signature. The shapes and
 * their errors are pandas' and MLflow's, so a request MLflow's scoring server takes is taken here.
 */
import { MlflowError } from '../../common/mlflow-error.js';

export interface InputTable {
  readonly names: readonly string[];
  /** One array per name, each `rows` long. */
  readonly columns: readonly (readonly unknown[])[];
  readonly rows: number;
}

/** MLflow's MlflowInvalidInputException: BAD_REQUEST, the message prefixed "Invalid input. ". */
export function invalidInput(message: string): MlflowError {
  return new MlflowError('BAD_REQUEST', `Invalid input. ${message}`);
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/** pandas.DataFrame(records): the keys of every record in first-seen order; a missing key is null. */
export function tableFromRecords(records: readonly unknown[]): InputTable {
  const index = new Map<string, number>();
  const columns: unknown[][] = [];
  records.forEach((record, row) => {
    if (!isRecord(record)) throw invalidInput(`Record ${row} is not an object of column values: ${preview(record)}`);
    for (const [key, value] of Object.entries(record)) {
      let at = index.get(key);
      if (at === undefined) {
        at = columns.length;
        index.set(key, at);
        columns.push(new Array<unknown>(records.length).fill(null));
      }
      columns[at]![row] = value === undefined ? null : value;
    }
  });
  return { names: [...index.keys()], columns, rows: records.length };
}

/** pandas.DataFrame(data=rows, columns=names): rows of values, named 0, 1, ... without names. */
export function tableFromRows(rows: readonly unknown[], names?: readonly unknown[]): InputTable {
  const width = names?.length ?? rows.reduce<number>((max, row) => Math.max(max, Array.isArray(row) ? row.length : 1), 0);
  const columns = Array.from({ length: width }, () => new Array<unknown>(rows.length).fill(null));
  rows.forEach((row, r) => {
    const values = Array.isArray(row) ? row : [row];
    if (values.length !== width) throw invalidInput(`Row ${r} has ${values.length} values for ${width} columns`);
    values.forEach((value, c) => (columns[c]![r] = value));
  });
  return { names: names ? names.map(String) : columns.map((_, i) => String(i)), columns, rows: rows.length };
}

/** A mapping of column name to values (MLflow's `inputs` in column form); a scalar is one row. */
export function tableFromColumnMap(map: Readonly<Record<string, unknown>>): InputTable {
  const names = Object.keys(map);
  const columns = names.map((name) => (Array.isArray(map[name]) ? (map[name] as unknown[]) : [map[name]]));
  const rows = columns[0]?.length ?? 0;
  if (columns.some((c) => c.length !== rows)) throw invalidInput('The length of values for each input/column name are not the same');
  return { names, columns, rows };
}

export function preview(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
