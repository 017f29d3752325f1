/**
 * The payload of Predict and Result frames: a batch of columns. Numbers travel as raw
 * little-endian float64, anything else as one JSON array per column:
 *
 *   u32 n | n bytes of JSON {"rows", "columns": [{"name", "dtype": "float64" | "json", "bytes"?}], ...}
 *   then one section per column, each starting at an 8-byte aligned offset of the payload.
 */
import type { Column } from '../model-runtime.js';

export interface Table {
  readonly columns: readonly string[];
  readonly data: readonly Column[];
  readonly rows: number;
  /** Other fields of the JSON header (the worker adds predict_ms). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

interface ColumnSpec {
  name: string;
  dtype: 'float64' | 'json';
  bytes?: number;
}

const pad8 = (n: number) => (n + 7) & ~7;

if (new Uint8Array(new Float64Array([1]).buffer)[7] !== 0x3f) {
  throw new Error('the worker protocol sends float64 values little-endian; this machine is big-endian');
}

export function encodeTable(table: Table): Buffer {
  if (table.columns.length !== table.data.length) {
    throw new Error(`${table.columns.length} column names for ${table.data.length} columns`);
  }
  const specs: ColumnSpec[] = [];
  const sections: Uint8Array[] = [];
  table.data.forEach((column, i) => {
    const name = table.columns[i]!;
    if (column.length !== table.rows) throw new Error(`column "${name}" has ${column.length} values for ${table.rows} rows`);
    if (column instanceof Float64Array) {
      specs.push({ name, dtype: 'float64' });
      sections.push(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    } else {
      const json = Buffer.from(JSON.stringify(column));
      specs.push({ name, dtype: 'json', bytes: json.length });
      sections.push(json);
    }
  });
  const header = Buffer.from(JSON.stringify({ rows: table.rows, columns: specs, ...table.meta }));
  let size = pad8(4 + header.length);
  const offsets = sections.map((s) => {
    const at = size;
    size = pad8(at + s.length);
    return at;
  });
  const out = Buffer.alloc(size);
  out.writeUInt32LE(header.length, 0);
  out.set(header, 4);
  sections.forEach((s, i) => out.set(s, offsets[i]));
  return out;
}

export function decodeTable(payload: Buffer): Table {
  if (payload.length < 4) throw new Error('batch payload shorter than its header length');
  const n = payload.readUInt32LE(0);
  if (4 + n > payload.length) throw new Error('batch header runs past the end of the payload');
  const { rows, columns: specs, ...meta } = JSON.parse(payload.toString('utf8', 4, 4 + n)) as {
    rows: number;
    columns: ColumnSpec[];
  } & Record<string, unknown>;
  let offset = pad8(4 + n);
  const data = specs.map((spec): Column => {
    const size = spec.dtype === 'float64' ? rows * 8 : (spec.bytes ?? 0);
    if (offset + size > payload.length) throw new Error(`column "${spec.name}" runs past the end of the batch`);
    const bytes = payload.subarray(offset, offset + size);
    offset = pad8(offset + size);
    if (spec.dtype === 'json') return JSON.parse(bytes.toString('utf8')) as Column;
    const values = new Float64Array(rows); // a copy: the payload's offset need not be 8-aligned
    new Uint8Array(values.buffer).set(bytes);
    return values;
  });
  return { columns: specs.map((s) => s.name), data, rows, meta };
}
