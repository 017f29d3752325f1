/**
 * Avro record fields written compactly, one `name:type` a field, separated by spaces: `name:type`
 * is required, `name:type?` is `["null", type]` with default null, `name:type|null` is
 * `["null", type]` without a default. A type `long@timestamp-micros` is a long with that
 * logical type.
 */

export interface AvroField {
  readonly name: string;
  readonly type: unknown;
  readonly default?: null;
}

export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly namespace: string;
  readonly doc?: string;
  readonly version?: string;
  readonly fields: readonly AvroField[];
}

/** Parses the compact field notation. */
export function parseFields(lines: readonly string[]): AvroField[] {
  return lines
    .join(' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((spec) => {
      const [name, type] = spec.split(':') as [string, string];
      if (type.endsWith('?')) return { name, type: ['null', typeOf(type.slice(0, -1))], default: null };
      if (type.endsWith('|null')) return { name, type: ['null', typeOf(type.slice(0, -'|null'.length))] };
      return { name, type: typeOf(type) };
    });
}

function typeOf(spec: string): unknown {
  const [type, logicalType] = spec.split('@');
  return logicalType === undefined ? type : { type, logicalType };
}
