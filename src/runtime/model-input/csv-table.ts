/**
 * CSV with a header row (RFC 4180: quoted fields may hold commas, quotes and newlines), read as
 * pandas.read_csv reads it for MLflow: a column whose cells are all numbers is numeric, an empty
 * cell is missing, True/False is boolean; with a signature, a string column stays text even when
 * it looks like numbers.
 */
import type { Schema } from '../model-format/ml-model.js';
import { MlflowError } from '../../common/mlflow-error.js';
import type { InputTable } from './input-table.js';

export function tableFromCsv(text: string, schema?: Schema): InputTable {
  const records = parseCsv(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const header = records.shift();
  if (!header) throw csvError('the input is empty: a header row naming the columns is expected');
  records.forEach((row, i) => {
    if (row.length !== header.length && !(row.length === 1 && row[0] === '')) {
      throw csvError(`Expected ${header.length} fields in line ${i + 2}, saw ${row.length}`);
    }
  });
  const rows = records.filter((row) => !(row.length === 1 && row[0] === '' && header.length > 1));
  const types = new Map(schema?.kind === 'columns' ? schema.columns.map((c) => [c.name, c.type] as const) : []);
  const columns = header.map((name, c) => typedCells(rows.map((row) => row[c] ?? ''), types.get(name)));
  // pandas names a column without a header (an index written by to_csv()) "Unnamed: <position>".
  return { names: header.map((name, c) => (name === '' ? `Unnamed: ${c}` : name)), columns, rows: rows.length };
}

function typedCells(cells: string[], type: string | undefined): unknown[] {
  if (type === 'string') return cells.map((cell) => (cell === '' ? null : cell));
  const missing = (cell: string) => cell === '' || /^(nan|NaN|NA|N\/A|null|NULL)$/.test(cell);
  const present = cells.filter((cell) => !missing(cell));
  if (present.every((cell) => cell.trim() !== '' && !Number.isNaN(Number(cell)))) {
    return cells.map((cell) => (missing(cell) ? null : Number(cell)));
  }
  if (present.every((cell) => /^(True|False|TRUE|FALSE|true|false)$/.test(cell))) {
    return cells.map((cell) => (missing(cell) ? null : cell.toLowerCase() === 'true'));
  }
  return cells.map((cell) => (cell === '' ? null : cell));
}

/** Rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      endRow();
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (quoted) throw csvError('a quoted field is not closed before the end of the input');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** MLflow's words for a CSV pandas cannot read. */
function csvError(reason: string): MlflowError {
  return new MlflowError(
    'BAD_REQUEST',
    `Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the \`pandas.DataFrame.to_csv()\` method. Error: '${reason}'`,
  );
}
