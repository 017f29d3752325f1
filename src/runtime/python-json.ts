/**
 * JSON text as Python's `json` module reads and writes it, for values that plain JSON.stringify
 * would corrupt on their way to a Python process or a Python client:
 *   - a bigint is written as its exact decimal digits (Python ints are exact: a ZTF `candid` or
 *     a Rubin `diaSourceId` above 2^53 arrives unchanged, never through a JS number);
 *   - NaN and ±Infinity are written as Python's `NaN`, `Infinity`, `-Infinity` tokens;
 *   - bytes (Uint8Array, Buffer) as {"__aviary_bytes__": "<base64>"}, which aviary_preprocessing.py
 *     turns back into `bytes` (a Fink cutout stays a cutout).
 * Otherwise it follows JSON.stringify: toJSON() is honoured, undefined and functions are left out
 * of objects and become null in arrays.
 */

export const BYTES_KEY = '__aviary_bytes__';

export function toPythonJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, new Set());
  return out.join('');
}

function write(value: unknown, out: string[], open: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      out.push(Number.isFinite(value) ? JSON.stringify(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      out.push('null'); // undefined, functions and symbols where a value is due
      return;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (value instanceof Uint8Array) {
    out.push(`{"${BYTES_KEY}":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"}`);
    return;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') {
    write(withToJson.toJSON(), out, open);
    return;
  }
  if (open.has(value)) throw new TypeError('cannot write a value that contains itself as JSON');
  open.add(value);
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = value as ArrayLike<unknown>;
    out.push('[');
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out.push(',');
      write(items[i], out, open);
    }
    out.push(']');
  } else {
    const entries = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(value);
    out.push('{');
    let first = true;
    for (const [key, item] of entries) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(key), ':');
      write(item, out, open);
    }
    out.push('}');
  }
  open.delete(value);
}
