/**
 * JSON for alerts: 64-bit integers (BigInt) are written as their exact digits, unquoted, so
 * that Python's `json` reads them back as the same `int` (ZTF `candid`, Rubin `diaSourceId`
 * exceed 2^53, where a JavaScript number silently rounds).
 *
 * Non-finite floats (Fink's light-curve features are NaN for a new object) are written as
 * `null` by default, which any JSON reader takes; `nonFinite: 'python'` writes `NaN`,
 * `Infinity` and `-Infinity` as Python's `json.dumps` does and `json.loads` reads, so the value
 * reaches Python unchanged. Bytes become base64 strings, dates ISO strings, Maps objects;
 * `undefined` fields are left out (and become `null` inside arrays, as JSON.stringify does).
 */
export interface ExactJsonOptions {
  readonly nonFinite?: 'null' | 'python';
}

export function toExactJson(value: unknown, options: ExactJsonOptions = {}): string {
  const python = options.nonFinite === 'python';
  const parts: string[] = [];
  write(value, parts, python, new Set());
  return parts.join('');
}

function write(value: unknown, out: string[], python: boolean, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'number':
      if (Number.isFinite(value)) out.push(JSON.stringify(value));
      else if (!python) out.push('null');
      else out.push(Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'undefined':
    case 'function':
    case 'symbol':
      out.push('null');
      return;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const object = value as object;
  if (object instanceof Uint8Array) {
    out.push(JSON.stringify(Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString('base64')));
    return;
  }
  if (object instanceof Date) {
    out.push(JSON.stringify(Number.isNaN(object.getTime()) ? null : object.toISOString()));
    return;
  }
  if (seen.has(object)) throw new TypeError('cannot write a cyclic structure as JSON');
  seen.add(object);
  if (Array.isArray(object) || ArrayBuffer.isView(object)) {
    out.push('[');
    const items = Array.isArray(object) ? object : Array.from(object as unknown as ArrayLike<number>);
    items.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, out, python, seen);
    });
    out.push(']');
  } else {
    const entries = object instanceof Map ? [...object.entries()] : Object.entries(object);
    out.push('{');
    let first = true;
    for (const [key, item] of entries) {
      if (item === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(String(key)), ':');
      write(item, out, python, seen);
    }
    out.push('}');
  }
  seen.delete(object);
}
