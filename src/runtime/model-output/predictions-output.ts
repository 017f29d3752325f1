/**
 * Predictions written as MLflow's scoring server writes them. The worker turns what the model
 * returned into named columns; the shape MLflow gives is read back from the names:
 *   one column "prediction" (a 1-D array)                -> [v, v, ...]
 *   columns "prediction_0".."prediction_k" (a 2-D array) -> [[v, ..., v], ...]
 *   any other columns (a DataFrame, a dict, ONNX outputs) -> [{"name": v, ...}, ...] (pandas "records")
 * Numbers are written as Python's json writes them: NaN and Infinity as tokens, not null.
 */
import type { Column, Predictions } from '../model-runtime.js';
import { toPythonJson } from '../python-json.js';

export function mlflowPredictions(predictions: Predictions): unknown[] {
  const { names, data } = predictions;
  const rows = data[0]?.length ?? 0;
  const at = (column: Column, row: number): unknown => column[row];
  if (names.length === 1 && names[0] === 'prediction') return Array.from(data[0]!);
  if (isMatrix(names)) return Array.from({ length: rows }, (_, r) => data.map((column) => at(column, r)));
  return Array.from({ length: rows }, (_, r) => Object.fromEntries(names.map((name, c) => [name, at(data[c]!, r)])));
}

/** The body MLflow's server answers: {"predictions": ...}. */
export function predictionsJson(predictions: Predictions): string {
  return toPythonJson({ predictions: mlflowPredictions(predictions) });
}

/** A header of the output names, then one line per row; text quoted when it must be. */
export function predictionsCsv(predictions: Predictions): string {
  const rows = predictions.data[0]?.length ?? 0;
  const lines = [predictions.names.map(csvField).join(',')];
  for (let r = 0; r < rows; r++) lines.push(predictions.data.map((column) => csvField(column[r])).join(','));
  return `${lines.join('\n')}\n`;
}

function isMatrix(names: readonly string[]): boolean {
  return names.length > 1 && names.every((name, i) => name === `prediction_${i}`);
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
