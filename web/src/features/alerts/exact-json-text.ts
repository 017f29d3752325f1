/** Pretty JSON text of a parsed exact value: BigInts are written as their unquoted digits. */
export function exactJsonText(value: unknown, indent = '  ', at = ''): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : String(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  const inner = at + indent;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + exactJsonText(v, indent, inner)).join(',\n')}\n${at}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${exactJsonText(v, indent, inner)}`).join(',\n')}\n${at}}`;
}
