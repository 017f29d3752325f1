/**
 * The avsc type that decodes a file's records, built from the file's own (writer) schema.
 *
 * - `long` decodes to BigInt: ZTF `candid` and Rubin ids exceed 2^53.
 * - Union defaults that break the specification (a default must match the union's first
 *   branch) are dropped: ZTF's schemas declare `["float", "null"]` with `default: null`, and
 *   Fink's `avro_multi_alerts_other.avro` declares `["null", "int"]` with `default: 0`. A
 *   default only matters when resolving against another schema; reading a file with its own
 *   schema never uses one. Branch order is kept: it is part of the binary encoding.
 * - Unions decode unwrapped (the value itself), records as plain objects.
 *
 * Types are cached by schema text: a folder of one-alert files, or a stream of messages, shares one
 * schema (and one parsed writer schema).
 */
import avro from 'avsc';

/** Avro `long` as BigInt; writing also takes safe integers (a JSON alert's small integers). */
export const longAsBigInt = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: unknown) => BigInt(n as string | number | bigint),
  toJSON: (n: bigint) => (Number.isSafeInteger(Number(n)) ? Number(n) : n.toString()),
  isValid: (n: unknown) => typeof n === 'bigint' || Number.isSafeInteger(n),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

export interface AlertType {
  readonly type: avro.Type;
  /** The record's full name, e.g. "ztf.alert", "lsst.v9_0.alert", "topLevelRecord". */
  readonly name?: string;
  /** How many spec-breaking defaults were dropped. */
  readonly droppedDefaults: number;
  /** The schema as written (defaults kept), parsed once and shared by every record read with it: not to be modified. */
  readonly writerSchema: unknown;
}

const CACHE_SIZE = 32;
const cache = new Map<string, AlertType>();

/** The type for a schema given as its JSON text (the container header's `avro.schema`). */
export function alertTypeFor(schemaText: string): AlertType {
  const cached = cache.get(schemaText);
  if (cached) {
    cache.delete(schemaText);
    cache.set(schemaText, cached); // most recently used last
    return cached;
  }
  let schema: unknown;
  try {
    schema = JSON.parse(schemaText);
  } catch (err) {
    throw new Error(`the embedded schema is not JSON: ${(err as Error).message}`);
  }
  const droppedDefaults = dropSpecBreakingDefaults(schema);
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(schema as avro.Schema, { registry: { long: longAsBigInt }, wrapUnions: 'never', omitRecordMethods: true });
  } catch (err) {
    throw new Error(`the embedded schema is not a valid Avro schema, even after dropping spec-breaking union defaults: ${(err as Error).message}`);
  }
  const result: AlertType = { type, name: (type as { name?: string }).name, droppedDefaults, writerSchema: JSON.parse(schemaText) };
  cache.set(schemaText, result);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return result;
}

/** Removes, in place, every field default of a union type that does not match the union's first branch. */
export function dropSpecBreakingDefaults(schema: unknown): number {
  let dropped = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as { type?: unknown; fields?: unknown; items?: unknown; values?: unknown };
    if (Array.isArray(record.fields)) {
      for (const field of record.fields as { type: unknown; default?: unknown }[]) {
        if (Array.isArray(field.type) && 'default' in field && !matchesFirstBranch(field.default, field.type[0])) {
          delete field.default;
          dropped += 1;
        }
        visit(field.type);
      }
    }
    visit(record.items);
    visit(record.values);
    if (typeof record.type === 'object') visit(record.type);
  };
  visit(schema);
  return dropped;
}

/** A loose check of a default against the first branch: enough to tell null from non-null and numbers from strings. */
function matchesFirstBranch(value: unknown, branch: unknown): boolean {
  const name = typeof branch === 'string' ? branch : (branch as { type?: unknown } | null)?.type;
  switch (name) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'string':
    case 'bytes':
    case 'enum':
    case 'fixed':
      return typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    default:
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}
