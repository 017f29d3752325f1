import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { LSST_ALERT_SCHEMA_TEXT } from './lsst-alert-schema.js';

const OFFICIAL = '/work/shared/data/rubin/alert_packet-schemas/10/0';
const RECORDS = ['diaSource', 'diaForcedSource', 'diaObject', 'ssSource', 'mpc_orbits'];

interface RecordJson {
  readonly type: 'record';
  readonly name: string;
  readonly namespace?: string;
  readonly fields: readonly { readonly name: string; readonly type: unknown; readonly default?: unknown }[];
}

const officialFile = (name: string): RecordJson => JSON.parse(readFileSync(join(OFFICIAL, `lsst.v10_0.${name}.avsc`), 'utf8')) as RecordJson;

/** The official schema: the named records registered first, as lsst.alert.packet loads them. */
function officialType(): avro.Type {
  const registry = {};
  for (const name of RECORDS) avro.Type.forSchema(officialFile(name) as avro.Schema, { registry });
  return avro.Type.forSchema(officialFile('alert') as avro.Schema, { registry });
}

/** Every record defined in a schema, by full name (a named type used again appears by name only). */
function recordsOf(node: unknown, namespace = '', found = new Map<string, RecordJson>()): Map<string, RecordJson> {
  if (Array.isArray(node)) node.forEach((branch) => recordsOf(branch, namespace, found));
  else if (node !== null && typeof node === 'object') {
    const type = node as { type?: unknown; items?: unknown };
    if (type.type === 'record') {
      const record = node as RecordJson;
      const space = record.namespace ?? namespace;
      found.set(`${space}.${record.name}`, record);
      for (const field of record.fields) recordsOf(field.type, space, found);
    } else if (type.type === 'array') recordsOf(type.items, namespace, found);
  }
  return found;
}

/** A field as the binary format and schema resolution see it: docs dropped, named types by full name. */
function comparable(field: RecordJson['fields'][number]): unknown {
  const named = (type: unknown): unknown => {
    if (Array.isArray(type)) return type.map(named);
    if (typeof type === 'string') return type;
    const t = type as { type: string; name?: string; namespace?: string; items?: unknown; logicalType?: string };
    if (t.type === 'record') return `${t.namespace ?? 'lsst.v10_0'}.${t.name}`;
    if (t.type === 'array') return { type: 'array', items: named(t.items) };
    return { type: t.type, logicalType: t.logicalType };
  };
  return { name: field.name, type: named(field.type), ...('default' in field ? { default: field.default } : {}) };
}

describe.skipIf(!existsSync(OFFICIAL))('LSST_ALERT_SCHEMA against the official lsst.v10_0 .avsc files', () => {
  const ours = JSON.parse(LSST_ALERT_SCHEMA_TEXT) as RecordJson;

  it('has the same records, each with the same fields in the same order: names, types, defaults', () => {
    const mine = recordsOf(ours);
    const official = new Map([...RECORDS, 'alert'].map((name) => [`lsst.v10_0.${name}`, officialFile(name)]));
    expect([...mine.keys()].sort()).toEqual([...official.keys()].sort());
    for (const [name, record] of official) {
      const theirs = record.fields.map(comparable);
      expect(mine.get(name)!.fields.map(comparable), name).toEqual(theirs);
    }
  });

  it('has the parsing canonical form and fingerprint of the official files', () => {
    const type = avro.Type.forSchema(ours as avro.Schema);
    expect(JSON.stringify(type.schema())).toBe(JSON.stringify(officialType().schema()));
    expect(type.fingerprint().toString('hex')).toBe(officialType().fingerprint().toString('hex'));
  });

  it('declares the same defaults and logical types as the official files', () => {
    const withAttrs = (type: avro.Type) => JSON.stringify(type.schema({ exportAttrs: true }), (key, value) => (key === 'doc' ? undefined : value));
    expect(withAttrs(avro.Type.forSchema(ours as avro.Schema))).toBe(withAttrs(officialType()));
  });

  it('is the schema the official sample alert was written with', async () => {
    const decoder = new avro.streams.BlockDecoder({ noDecode: true }); // the header's schema is all we need
    const metadata = once(decoder, 'metadata');
    decoder.end(readFileSync(join(OFFICIAL, 'sample_data/fakeAlert.avro')));
    const [writer] = (await metadata) as [avro.Type];
    decoder.resume();
    expect(writer.fingerprint().toString('hex')).toBe(avro.Type.forSchema(ours as avro.Schema).fingerprint().toString('hex'));
  });
});
