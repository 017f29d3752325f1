/**
 * JSON for alerts: 64-bit integers (BigInt) are written as their exact digits, unquoted, so
 * that Python's `json` reads them back as the same `int` (ZTF `candid`, Rubin `diaSourceId`
 * exceed 2^53, where a JavaScript number silently rounds).
 *
 * Non-finite floats (Fink's light-curve features are NaN for a new object) are written as
 * `null` by default, which any JSON reader takes; `nonFinite: 'python'` writes `NaN`,
 * `Infinity` and `-Infinity` as Python's `json.dumps` does and `json.loads` reads, so the value
 * reaches Python unchanged. Bytes become base64 strings (`bytes: 'python'`: an object
 * {"__aviary_bytes__": "<base64>"} that the Python side turns back into `bytes`), dates ISO
 * strings, Maps objects; `undefined`, functions and symbols are left out of objects (and become
 * `null` inside arrays), as JSON.stringify does.
 *
 * Written on every alert's hot path (preprocessing input, sinks): one recursive pass that
 * concatenates strings (V8 joins them lazily) and quotes each distinct key once.
 */
export interface ExactJsonOptions {
  readonly nonFinite?: 'null' | 'python';
  readonly bytes?: 'base64' | 'python';
}

/** The key of the object that stands for bytes in `bytes: 'python'` mode. */
export const PYTHON_BYTES_KEY = '__aviary_bytes__';

export function toExactJson(value: unknown, options: ExactJsonOptions = {}): string {
  return write(value, { python: options.nonFinite === 'python', bytesObject: options.bytes === 'python' }, []);
}

interface Mode {
  /** NaN and infinities as Python's tokens. */
  readonly python: boolean;
  /** Bytes as {"__aviary_bytes__": base64}. */
  readonly bytesObject: boolean;
}

/** `"key":` for each key: keys repeat across alerts (one schema), so each is quoted once. Bounded, as keys may come from any input. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key) + ':';
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function nonFiniteText(value: number, python: boolean): string {
  if (!python) return 'null';
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** The text of a value other than an object (null included), or undefined for an object. */
function primitiveText(value: unknown, python: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // A finite number's JavaScript text is its JSON text (-0 included: "0").
      return Number.isFinite(value) ? '' + value : nonFiniteText(value, python);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : undefined;
    default:
      return 'null';
  }
}

/** `ancestors`: the objects being written around this value; alerts nest a few levels, so a list beats a Set. */
function write(value: unknown, mode: Mode, ancestors: object[]): string {
  return primitiveText(value, mode.python) ?? writeObjectLike(value as object, mode, ancestors);
}

function writeObjectLike(object: object, mode: Mode, ancestors: object[]): string {
  if (object instanceof Uint8Array) {
    const base64 = Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString('base64');
    return mode.bytesObject ? `{"${PYTHON_BYTES_KEY}":"${base64}"}` : `"${base64}"`;
  }
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'null' : `"${object.toISOString()}"`;
  if (ancestors.includes(object)) throw new TypeError('cannot write a value that contains itself as JSON');
  ancestors.push(object);
  let text: string;
  if (Array.isArray(object)) text = writeArray(object, mode, ancestors);
  else if (ArrayBuffer.isView(object)) text = writeArray(Array.from(object as unknown as ArrayLike<number>), mode, ancestors);
  else if (object instanceof Map) text = writeMap(object, mode, ancestors);
  else text = writeRecord(object as Record<string, unknown>, mode, ancestors);
  ancestors.pop();
  return text;
}

function writeArray(items: readonly unknown[], mode: Mode, ancestors: object[]): string {
  if (items.length === 0) return '[]';
  let text = '[' + write(items[0], mode, ancestors);
  for (let i = 1; i < items.length; i++) text += ',' + write(items[i], mode, ancestors);
  return text + ']';
}

/** Left out of objects, as JSON.stringify does. */
const skipped = (item: unknown) => item === undefined || typeof item === 'function' || typeof item === 'symbol';

function writeRecord(record: Record<string, unknown>, mode: Mode, ancestors: object[]): string {
  const keys = Object.keys(record);
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    if (!skipped(item)) text += (text.length === 1 ? '' : ',') + quotedKey(key) + write(item, mode, ancestors);
  }
  return text + '}';
}

function writeMap(map: Map<unknown, unknown>, mode: Mode, ancestors: object[]): string {
  let text = '{';
  for (const [key, item] of map) if (!skipped(item)) text += (text.length === 1 ? '' : ',') + quotedKey(String(key)) + write(item, mode, ancestors);
  return text + '}';
}
