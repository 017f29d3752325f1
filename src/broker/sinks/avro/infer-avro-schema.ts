/**
 * An Avro schema for alerts that came without one (Parquet, JSON), inferred from their
 * payloads. Every field is a union with null first (`default: null`), so alerts that leave a
 * field empty or out share the schema; a field seen as a number in one alert and a string in
 * another becomes ["null", "double", "string"]. BigInts are `long` (integral numbers of the
 * same field too); other numbers `double`; bytes `bytes`; dates ISO strings (as in JSON output).
 *
 * Field names Avro refuses are renamed (avro-field-names.ts) with the original in the field's
 * `doc` (`original name: 2MASS_name`), and `toAvro` renames a payload's keys to match, at every
 * depth: records inside records, arrays and unions.
 */
import { avroFieldNames, originalNameDoc } from './avro-field-names.js';

export interface InferredShape {
  boolean?: true;
  number?: { integral: boolean };
  long?: true;
  string?: true;
  bytes?: true;
  array?: InferredShape;
  record?: Map<string, InferredShape>;
  /** The record's original field names → their Avro names; set when the schema is built. */
  names?: Map<string, string>;
}

export interface InferredAvroSchema {
  readonly schema: Record<string, unknown>;
  /**
   * A payload as the schema holds it: keys renamed, bytes as Buffers, dates as ISO strings,
   * undefined as null; undefined when the payload has a field the schema lacks (so that a
   * field is never dropped or mistaken for a renamed one).
   */
  toAvro(payload: unknown): Record<string, unknown> | undefined;
}

/** The schema of top-level records `name` fitting every one of `payloads`. */
export function inferAvroSchema(payloads: readonly unknown[], name = 'alert', namespace = 'aviary'): InferredAvroSchema {
  const shape: InferredShape = {};
  for (const payload of payloads) mergeShape(shape, payload, '');
  const schema = schemaOf(shape, name, new Set()) as unknown;
  if (!Array.isArray(schema) || typeof schema[1] !== 'object' || (schema[1] as { type?: string }).type !== 'record') throw new Error('an alert payload must be a record');
  return {
    schema: { ...(schema[1] as Record<string, unknown>), namespace },
    toAvro: (payload) => {
      try {
        return toAvroValue(payload, shape) as Record<string, unknown>;
      } catch (err) {
        if (err === UNDECLARED) return undefined;
        throw err;
      }
    },
  };
}

const UNDECLARED = Symbol('a field the schema lacks');

function toAvroValue(value: unknown, shape: InferredShape | undefined): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map((item) => toAvroValue(item, shape?.array));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, item] of Object.entries(value)) {
      const name = shape?.names?.get(key);
      if (name === undefined) throw UNDECLARED;
      out[name] = toAvroValue(item, shape!.record!.get(key));
    }
    return out;
  }
  return value;
}

function mergeShape(shape: InferredShape, value: unknown, path: string): void {
  if (value === null || value === undefined) return;
  switch (typeof value) {
    case 'boolean':
      shape.boolean = true;
      return;
    case 'number':
      shape.number = { integral: (shape.number?.integral ?? true) && Number.isSafeInteger(value) };
      return;
    case 'bigint':
      shape.long = true;
      return;
    case 'string':
      shape.string = true;
      return;
  }
  if (value instanceof Date) shape.string = true;
  else if (value instanceof Uint8Array) shape.bytes = true;
  else if (Array.isArray(value)) {
    shape.array ??= {};
    for (const item of value) mergeShape(shape.array, item, `${path}[]`);
  } else if (typeof value === 'object') {
    shape.record ??= new Map();
    for (const [key, item] of Object.entries(value)) {
      if (!shape.record.has(key)) shape.record.set(key, {});
      mergeShape(shape.record.get(key)!, item, path ? `${path}.${key}` : key);
    }
  } else throw new Error(`cannot write a ${typeof value} value at \`${path}\` to Avro`);
}

/** A union with null first; names of nested records follow their (Avro) path, made unique. */
function schemaOf(shape: InferredShape, name: string, names: Set<string>): unknown {
  const branches: unknown[] = ['null'];
  if (shape.boolean) branches.push('boolean');
  // A field holding both BigInts and integral numbers is `long`; with fractions it must be `double`.
  if (shape.long && (!shape.number || shape.number.integral)) branches.push('long');
  else if (shape.number || shape.long) branches.push('double');
  if (shape.string) branches.push('string');
  if (shape.bytes) branches.push('bytes');
  if (shape.array) branches.push({ type: 'array', items: schemaOf(shape.array, `${name}_item`, names) });
  if (shape.record) {
    let unique = name;
    for (let n = 2; names.has(unique); n++) unique = `${name}_${n}`;
    names.add(unique);
    shape.names = avroFieldNames(shape.record.keys());
    const fields = [...shape.record].map(([key, field]) => {
      const avroName = shape.names!.get(key)!;
      const doc = avroName === key ? {} : { doc: originalNameDoc(key) };
      return { name: avroName, ...doc, type: schemaOf(field, `${unique}_${avroName}`, names), default: null };
    });
    branches.push({ type: 'record', name: unique, fields });
  }
  return branches.length === 1 ? 'null' : branches;
}
