/**
 * JSON text as Python's `json` module reads it, for values that plain JSON.stringify would
 * corrupt on their way to a Python process or a Python client: bigints as their exact digits,
 * NaN and ±Infinity as Python's tokens, and bytes (Uint8Array, Buffer) as
 * {"__aviary_bytes__": "<base64>"}, which aviary_preprocessing.py turns back into `bytes` (a Fink
 * cutout stays a cutout). The writer is common/exact-json.ts in its Python mode.
 */
import { PYTHON_BYTES_KEY, toExactJson } from '../common/exact-json.js';

export const BYTES_KEY = PYTHON_BYTES_KEY;

export function toPythonJson(value: unknown): string {
  return toExactJson(value, { nonFinite: 'python', bytes: 'python' });
}
