/**
 * JSON written as Python's json.dumps writes it, for the places MLflow's own text is compared:
 * floats in Python's repr (`9.0`, `1e+16`), integers exactly, non-ASCII escaped, optional
 * sorted keys and compact separators. A number can carry the text it was written with in a
 * request (SourceNumber), so `9.0` stays a float where JavaScript would read 9.
 */

/** A number as written in a request's JSON: `9.0` is a float, `9` an int, as Python reads them. */
export class SourceNumber {
  constructor(readonly text: string) {}

  get isFloat(): boolean {
    return /[.eE]/.test(this.text);
  }
}

/** Python's repr of a float: the shortest digits that read back, exponent form outside [1e-4, 1e16). */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}

/** The Python type a parsed JSON value has on MLflow's server, for its "Value was of type" hints. */
export function pythonTypeName(value: unknown): string {
  if (value instanceof SourceNumber) return value.isFloat ? 'float' : 'int';
  if (Array.isArray(value)) return 'list';
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  return 'dict';
}

function quoted(text: string): string {
  // Python's ensure_ascii: everything past ASCII as \uXXXX (astral characters as their surrogate pair).
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface DumpsOptions {
  /** separators=(",", ":") instead of Python's default (", ", ": "). */
  readonly compact?: boolean;
  readonly sortKeys?: boolean;
}

export function pythonJsonDumps(value: unknown, options: DumpsOptions = {}): string {
  const [itemSep, keySep] = options.compact ? [',', ':'] : [', ', ': '];
  const dump = (v: unknown): string => {
    if (v instanceof SourceNumber) return v.isFloat ? pythonFloatRepr(Number(v.text)) : BigInt(v.text).toString();
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'string') return quoted(v);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pythonFloatRepr(v);
    if (Array.isArray(v)) return `[${v.map(dump).join(itemSep)}]`;
    const keys = Object.keys(v as object);
    if (options.sortKeys) keys.sort();
    return `{${keys.map((k) => `${quoted(k)}${keySep}${dump((v as Record<string, unknown>)[k])}`).join(itemSep)}}`;
  };
  return dump(value);
}
