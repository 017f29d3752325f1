/**
 * Test support: Avro container files written by hand, so a schema goes into the header exactly
 * as given (spec-breaking defaults and all), and placeholder records for any schema.
 */
import { deflateRawSync } from 'node:zlib';
import { alertTypeFor } from '../avro-alert-type.js';

const zigzag = (n: number): Buffer => {
  const bytes: number[] = [];
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    bytes.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  bytes.push(z);
  return Buffer.from(bytes);
};
const withLength = (b: Buffer) => Buffer.concat([zigzag(b.length), b]);
const SYNC = Buffer.alloc(16, 0xab);

/** The file's bytes and where each block starts. */
export function avroContainer(schemaText: string, records: readonly unknown[], options: { codec?: 'null' | 'deflate'; perBlock?: number } = {}) {
  const codec = options.codec ?? 'null';
  const perBlock = options.perBlock ?? records.length;
  const type = alertTypeFor(schemaText).type;
  const meta = [
    ['avro.schema', Buffer.from(schemaText)],
    ['avro.codec', Buffer.from(codec)],
  ] as const;
  const parts: Buffer[] = [Buffer.from('Obj\x01', 'latin1'), zigzag(meta.length), ...meta.flatMap(([k, v]) => [withLength(Buffer.from(k)), withLength(v)]), zigzag(0), SYNC];
  const blockOffsets: number[] = [];
  for (let start = 0; start < records.length; start += perBlock) {
    const chunk = records.slice(start, start + perBlock);
    const raw = Buffer.concat(chunk.map((r) => type.toBuffer(r)));
    const data = codec === 'deflate' ? deflateRawSync(raw) : raw;
    blockOffsets.push(parts.reduce((n, p) => n + p.length, 0));
    parts.push(zigzag(chunk.length), zigzag(data.length), data, SYNC);
  }
  return { bytes: Buffer.concat(parts), blockOffsets };
}

/** Inlines named types given separately (the official schema files reference each other by full name). */
export function inlineNamedTypes(schema: unknown, named: Readonly<Record<string, unknown>>): unknown {
  const seen = new Set<string>();
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string' && named[node] !== undefined && !seen.has(node)) {
      seen.add(node);
      return visit(named[node]);
    }
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'name' || k === 'namespace' ? v : visit(v)]));
    return node;
  };
  return visit(schema);
}

/** A record filling every field of `schema` with a placeholder (nullable fields null, arrays of one item). */
export function placeholderOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.includes('null') ? null : placeholderOf(schema[0]);
  if (typeof schema === 'string') {
    const values: Record<string, unknown> = { null: null, boolean: false, int: 1, long: 1n, float: 1.5, double: 2.5, string: 'x', bytes: Buffer.from('x') };
    if (!(schema in values)) throw new Error(`placeholderOf: named type ${schema} must be inlined first`);
    return values[schema];
  }
  const s = schema as { type: unknown; fields?: { name: string; type: unknown }[]; items?: unknown; values?: unknown; symbols?: string[] };
  if (s.type === 'record') return Object.fromEntries(s.fields!.map((f) => [f.name, placeholderOf(f.type)]));
  if (s.type === 'array') return [placeholderOf(s.items)];
  if (s.type === 'map') return { k: placeholderOf(s.values) };
  if (s.type === 'enum') return s.symbols![0];
  return placeholderOf(s.type);
}
