import type { Batch, Column, Predictions } from '../model-runtime.js';

/** Checks that a batch is rectangular; throws an Error naming the first column that is not. */
export function checkBatch(batch: Batch): void {
  if (batch.columns.length !== batch.data.length) {
    throw new Error(`the batch names ${batch.columns.length} columns but holds ${batch.data.length}`);
  }
  batch.data.forEach((column, i) => {
    if (column.length !== batch.rows) {
      throw new Error(`column "${batch.columns[i]}" has ${column.length} values for ${batch.rows} rows`);
    }
  });
}

/** Consecutive pieces of at most `size` rows; numeric columns are views, not copies. */
export function sliceBatch(batch: Batch, size: number): Batch[] {
  if (batch.rows <= size) return [batch];
  const slices: Batch[] = [];
  for (let start = 0; start < batch.rows; start += size) {
    const end = Math.min(start + size, batch.rows);
    const data = batch.data.map((c): Column => (c instanceof Float64Array ? c.subarray(start, end) : c.slice(start, end)));
    slices.push({ columns: batch.columns, data, rows: end - start, ...(batch.params ? { params: batch.params } : {}) });
  }
  return slices;
}

/** Joins the answers to consecutive slices; a column numeric in every slice stays a Float64Array. */
export function concatPredictions(parts: readonly Predictions[]): Predictions {
  const first = parts[0];
  if (!first) return { names: [], data: [] };
  if (parts.length === 1) return { names: first.names, data: first.data };
  const key = first.names.join('\u0000');
  const odd = parts.find((p) => p.names.join('\u0000') !== key);
  if (odd) throw new Error(`slices of one batch gave different outputs: [${first.names.join(', ')}] and [${odd.names.join(', ')}]`);
  return { names: first.names, data: first.names.map((_, i) => concatColumns(parts.map((p) => p.data[i]!))) };
}

function concatColumns(columns: readonly Column[]): Column {
  if (columns.every((c) => c instanceof Float64Array)) {
    const out = new Float64Array(columns.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of columns as Float64Array[]) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  return columns.flatMap((c) => Array.from(c));
}
