/**
 * JSON written as Python's `json.dumps` writes it with default settings: `", "` and `": "`
 * separators and every character outside printable ASCII escaped as `\uXXXX`. MLflow sends
 * webhook bodies in this form; matching it byte for byte means a receiver that re-serialises
 * the parsed body before checking the signature (against advice) still gets a match. One gap:
 * a float with no fraction prints as `1`, not Python's `1.0` (registry payloads hold no numbers).
 */
export function toPythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(toPythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${fields.map(([k, v]) => `${pythonString(k)}: ${toPythonJson(v)}`).join(', ')}}`;
  }
  throw new TypeError(`cannot serialise a ${typeof value} as JSON`);
}

/** JSON.stringify already escapes quotes, backslashes and control characters as Python does. */
function pythonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
