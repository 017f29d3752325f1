import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { ZTF_ALERT_SCHEMA, ZTF_ALERT_SCHEMA_TEXT } from './ztf-alert-schema.js';

const OFFICIAL = '/work/shared/data/ztf/schema-4.02';

/** The official schema: the four named records registered first, as ZTF's own tools load them. */
function officialType(): avro.Type {
  const registry = {};
  for (const name of ['candidate', 'prv_candidate', 'fp_hist', 'cutout']) {
    avro.Type.forSchema(JSON.parse(readFileSync(join(OFFICIAL, `${name}.avsc`), 'utf8')), { registry });
  }
  return avro.Type.forSchema(JSON.parse(readFileSync(join(OFFICIAL, 'alert.avsc'), 'utf8')), { registry });
}

describe('ZTF_ALERT_SCHEMA', () => {
  it.skipIf(!existsSync(OFFICIAL))('has the parsing canonical form of the official 4.02 .avsc files', () => {
    const ours = avro.Type.forSchema(JSON.parse(ZTF_ALERT_SCHEMA_TEXT));
    expect(JSON.stringify(ours.schema())).toBe(JSON.stringify(officialType().schema()));
    expect(ours.fingerprint().toString('hex')).toBe(officialType().fingerprint().toString('hex'));
  });

  it.skipIf(!existsSync(OFFICIAL))('declares the same field defaults as the official files', () => {
    // Docs are exported as attributes too; they are not part of the format and ours has fewer.
    const withAttrs = (type: avro.Type) => JSON.stringify(type.schema({ exportAttrs: true }), (key, value) => (key === 'doc' ? undefined : value));
    expect(withAttrs(avro.Type.forSchema(JSON.parse(ZTF_ALERT_SCHEMA_TEXT)))).toBe(withAttrs(officialType()));
  });

  it('names the records as ZTF does', () => {
    const type = avro.Type.forSchema(JSON.parse(ZTF_ALERT_SCHEMA_TEXT)) as avro.types.RecordType;
    expect(type.name).toBe('ztf.alert');
    const names = type.fields.map((f) => f.name);
    expect(names).toEqual(['schemavsn', 'publisher', 'objectId', 'candid', 'candidate', 'prv_candidates', 'fp_hists', 'cutoutScience', 'cutoutTemplate', 'cutoutDifference']);
    expect((type.fields[4]!.type as avro.types.RecordType).name).toBe('ztf.alert.candidate');
    expect(ZTF_ALERT_SCHEMA.version).toBe('4.02');
  });
});
