/** Between Aviary's column batches and ONNX tensors. */
import type { Batch, Column } from '../model-runtime.js';
import type { OrtModule, OrtTensor, OrtTensorData, OrtValueMetadata } from './onnx-api.js';

/**
 * The model's feeds. One input: every column of the batch, in order, as [rows, columns] (the
 * usual converted scikit-learn model), or [rows] for a rank-1 input and a single column.
 * Several inputs: each takes the batch column of its name, as [rows, 1] or [rows].
 */
export function feedsFor(ort: OrtModule, batch: Batch, inputs: readonly OrtValueMetadata[]): Record<string, OrtTensor> {
  const only = inputs.length === 1 ? inputs[0]! : undefined;
  if (only) {
    const rank = only.shape?.length || 2;
    const width = only.shape?.[1];
    if (rank === 1 && batch.columns.length !== 1) {
      throw new Error(`input "${only.name}" takes one value per row; the batch has ${batch.columns.length} columns`);
    }
    if (typeof width === 'number' && width !== batch.columns.length) {
      throw new Error(`input "${only.name}" takes ${width} features per row; the batch has ${batch.columns.length} columns`);
    }
    const dims = rank === 1 ? [batch.rows] : [batch.rows, batch.columns.length];
    return { [only.name]: tensorOf(ort, only, batch.data, batch.rows, dims) };
  }
  const missing = inputs.filter((input) => !batch.columns.includes(input.name)).map((i) => i.name);
  if (missing.length > 0) throw new Error(`the batch has no column for input(s) ${missing.join(', ')}`);
  return Object.fromEntries(
    inputs.map((input) => {
      const column = batch.data[batch.columns.indexOf(input.name)]!;
      const dims = input.shape?.length === 1 ? [batch.rows] : [batch.rows, 1];
      return [input.name, tensorOf(ort, input, [column], batch.rows, dims)];
    }),
  );
}

/** Row-major values of `columns` as the input's element type (float32 when unknown). */
function tensorOf(ort: OrtModule, input: OrtValueMetadata, columns: readonly Column[], rows: number, dims: number[]): OrtTensor {
  const type = input.type ?? 'float32';
  const width = columns.length;
  const at = (r: number, c: number) => columns[c]![r];
  let data: OrtTensorData;
  if (type === 'string' || type === 'bool') {
    const values = Array.from({ length: rows * width }, (_, i) => at(Math.floor(i / width), i % width));
    data = type === 'string' ? values.map((v) => String(v ?? '')) : values.map(Boolean);
  } else {
    const make = numericArrays[type];
    if (!make) throw new Error(`input "${input.name}" has element type ${type}, which Aviary cannot feed`);
    const typed = make(rows * width);
    const big = typed instanceof BigInt64Array || typed instanceof BigUint64Array;
    for (let c = 0; c < width; c++) {
      for (let r = 0; r < rows; r++) {
        const value = at(r, c);
        const number = typeof value === 'number' ? value : value === null ? Number.NaN : Number(value);
        if (big) {
          if (!Number.isInteger(number)) throw new Error(`input "${input.name}" takes integers; row ${r} has ${value}`);
          (typed as BigInt64Array)[r * width + c] = BigInt(number);
        } else (typed as Float64Array)[r * width + c] = number;
      }
    }
    data = typed;
  }
  return new ort.Tensor(type, data, dims);
}

const numericArrays: Record<string, (n: number) => Exclude<OrtTensorData, readonly unknown[]>> = {
  float32: (n) => new Float32Array(n),
  float64: (n) => new Float64Array(n),
  int8: (n) => new Int8Array(n),
  int16: (n) => new Int16Array(n),
  int32: (n) => new Int32Array(n),
  int64: (n) => new BigInt64Array(n),
  uint8: (n) => new Uint8Array(n),
  uint16: (n) => new Uint16Array(n),
  uint32: (n) => new Uint32Array(n),
  uint64: (n) => new BigUint64Array(n),
};

/**
 * One output as named columns: [rows] -> `name`; [rows, k] -> `name_<label>` for k columns
 * (labels: the classes of an unzipped ZipMap, else 0..k-1). A sequence of maps, should a
 * binding return one, gives one column per key.
 */
export function outputColumns(name: string, value: unknown, rows: number, labels?: readonly (string | number)[]): [string, Column][] {
  if (Array.isArray(value)) return sequenceOfMaps(name, value, rows);
  const tensor = value as OrtTensor;
  if (!tensor || !Array.isArray(tensor.dims) || tensor.dims[0] !== rows) {
    throw new Error(`output "${name}" has shape [${tensor?.dims?.join(', ')}], not one entry per row (${rows} rows)`);
  }
  const width = tensor.dims.slice(1).reduce((a, b) => a * b, 1);
  const columnName = (k: number) => (width === 1 ? name : `${name}_${labels?.[k] ?? k}`);
  const data = tensor.data;
  return Array.from({ length: width }, (_, k): [string, Column] => {
    if (tensor.type === 'string' || tensor.type === 'bool') {
      const values = Array.from({ length: rows }, (_, r) => data[r * width + k]);
      return [columnName(k), tensor.type === 'bool' ? values.map(Boolean) : values.map(String)];
    }
    const column = new Float64Array(rows);
    for (let r = 0; r < rows; r++) column[r] = Number(data[r * width + k]);
    return [columnName(k), column];
  });
}

function sequenceOfMaps(name: string, rowsOfMaps: unknown[], rows: number): [string, Column][] {
  if (rowsOfMaps.length !== rows) throw new Error(`output "${name}" has ${rowsOfMaps.length} entries for ${rows} rows`);
  const entries = rowsOfMaps.map((m) => (m instanceof Map ? [...m.entries()] : Object.entries(m as object)) as [unknown, unknown][]);
  const keys = entries[0]?.map(([key]) => key) ?? [];
  return keys.map((key, k) => [`${name}_${String(key)}`, Float64Array.from(entries, (row) => Number(row[k]?.[1]))]);
}
