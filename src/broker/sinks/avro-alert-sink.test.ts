import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { beforeAll, describe, expect, it } from 'vitest';
import { toExactJson } from '../../common/exact-json.js';
import { parseExactJson } from '../../common/exact-json-parse.js';
import type { Alert } from '../alert.js';
import { toAlert } from '../alert.js';
import { longAsBigInt } from '../sources/avro/avro-alert-type.js';
import type { EnrichedAlert } from '../enriched-alert.js';
import { AvroAlertSink } from './avro-alert-sink.js';
import { siblingPath } from './output-file.js';
import { enrich, readBack, realAlerts } from './testing/real-enriched-alerts.js';

let ztf: EnrichedAlert[];
let rubin: EnrichedAlert[];
let parquet: EnrichedAlert[];
let dir: string;

beforeAll(async () => {
  ztf = enrich(await realAlerts('ztf/fink-topics-2023', 10));
  rubin = enrich(await realAlerts('rubin/fink-enriched-2026'));
  parquet = enrich(await realAlerts('parquet/ztf-raw-2019', 8));
  dir = await mkdtemp(join(tmpdir(), 'aviary-avro-'));
});

/** The records of an Avro file read with avsc alone (longs as BigInt), and the schema its header holds. */
async function readWithAvsc(path: string): Promise<{ schema: AvroRecordSchema; records: Record<string, any>[] }> {
  const schema = JSON.parse(avro.extractFileHeader(path, { decode: false })!.meta['avro.schema']!.toString()) as AvroRecordSchema;
  const records: Record<string, any>[] = [];
  const parseHook = (s: avro.Schema) => avro.Type.forSchema(s, { registry: { long: longAsBigInt }, wrapUnions: 'never' });
  await new Promise((resolve, reject) => avro.createFileDecoder(path, { parseHook }).on('data', (r: Record<string, any>) => records.push(r)).on('error', reject).on('end', resolve));
  return { schema, records };
}

interface AvroRecordSchema {
  name: string;
  fields: { name: string; doc?: string; type: unknown }[];
}

/** The record branch of a nullable field of `schema` (or of its array's items). */
function recordOf(schema: AvroRecordSchema, field: string): AvroRecordSchema {
  const type = schema.fields.find((f) => f.name === field)!.type as unknown[];
  for (const branch of type) {
    const b = branch as { type?: string; items?: unknown[] };
    if (b.type === 'record') return b as unknown as AvroRecordSchema;
    if (b.type === 'array') return b.items!.find((i) => (i as { type?: string }).type === 'record') as AvroRecordSchema;
  }
  throw new Error(`${field} holds no record`);
}

const docOf = (schema: AvroRecordSchema, field: string) => schema.fields.find((f) => f.name === field)?.doc;

/** A real alert with columns Avro cannot name, as Fink's Parquet has them (`mangrove.2MASS_name`). */
function withOddNames(alert: Alert, i: number): Alert {
  const payload = {
    ...alert.payload,
    mangrove: { HyperLEDA_name: `PGC${i}`, '2MASS_name': `J${alert.alertId}`, _2MASS_name: `taken-${i}`, lum_dist: 100 + i },
    'tns-class': i % 2 ? 'SN Ia' : null,
    xm: [{ 'Gaia-DR3 id': alert.alertId, 'g-mag': 17 + i / 10 }],
    misc: i % 2 ? { '1st detection': true } : 3.5, // a union of a record and a number
  };
  return { ...alert, payload };
}

const stamp = (payload: Readonly<Record<string, unknown>>) => (payload.cutoutScience as { stampData: Uint8Array } | null)?.stampData;

describe('AvroAlertSink', () => {
  it('finds the writer schema on alerts decoded from Avro only', () => {
    expect((ztf[0]!.alert.writerSchema as { fields: unknown[] }).fields.length).toBeGreaterThan(0);
    expect(rubin[0]!.alert.writerSchema).toBe(rubin[1]!.alert.writerSchema); // one file, one shared schema
    expect(parquet[0]!.alert.writerSchema).toBeUndefined();
  });

  it('writes ZTF and Rubin alerts to one file per writer schema, read back exactly', async () => {
    const output = join(dir, 'nested/mixed.avro');
    const sink = new AvroAlertSink({ name: 'mixed', output, cutouts: true });
    await sink.write([...ztf.slice(0, 4), ...rubin.slice(0, 3)]);
    await sink.write([...ztf.slice(4), ...rubin.slice(3)]);
    expect(existsSync(output)).toBe(false);
    await sink.close();
    expect(sink.written).toBe(ztf.length + rubin.length);
    const second = siblingPath(output, 1);
    expect(sink.description).toContain(output);
    expect(sink.description).toContain(second);

    const ztfBack = await readBack(output);
    const rubinBack = await readBack(second);
    expect(ztfBack).toHaveLength(ztf.length);
    expect(rubinBack).toHaveLength(rubin.length);
    ztf.forEach(({ alert, scores }, i) => {
      const back = ztfBack[i]!;
      expect(toAlert(back).alertId).toBe(alert.alertId);
      expect(back.payload.candid).toBe(alert.payload.candid);
      expect(toExactJson(back.payload.candidate)).toBe(toExactJson(alert.payload.candidate));
      expect(toExactJson(back.payload.prv_candidates)).toBe(toExactJson(alert.payload.prv_candidates));
      expect(Buffer.from(stamp(back.payload)!).equals(Buffer.from(stamp(alert.payload)!))).toBe(true);
      expect(back.payload.snia_score).toBe(scores[0]!.outputs.snia_score);
      expect(back.payload.kind_label).toBe(scores[1]!.outputs.kind_label);
      expect(back.payload.kind_flag).toBe(scores[1]!.outputs.kind_flag);
      expect(parseExactJson(back.payload.aviary_models as string)).toEqual({ snia: { model: 'snia-model', version: '3' }, kind: { model: '/models/kind', version: null } });
    });
    rubin.forEach(({ alert }, i) => {
      const back = rubinBack[i]!;
      expect(toAlert(back).alertId).toBe(alert.alertId);
      expect(toAlert(back).objectId).toBe(alert.objectId);
      expect(toExactJson(back.payload.diaSource)).toBe(toExactJson(alert.payload.diaSource));
      expect(toExactJson(back.payload.diaObject)).toBe(toExactJson(alert.payload.diaObject));
    });
  });

  it('leaves cutouts out when the filter says so', async () => {
    const output = join(dir, 'no-cutouts.avro');
    const sink = new AvroAlertSink({ name: 'x', output, cutouts: false });
    await sink.write(ztf);
    await sink.close();
    const back = await readBack(output);
    expect(back).toHaveLength(ztf.length);
    for (const record of back) expect(record.payload.cutoutScience).toBeNull();
    expect(back.map((r) => r.payload.candid)).toEqual(ztf.map((e) => e.alert.payload.candid));
  });

  it('infers a schema for alerts read from Parquet, keeping longs exact', async () => {
    const output = join(dir, 'parquet.avro');
    const sink = new AvroAlertSink({ name: 'x', output, cutouts: true });
    await sink.write(parquet.slice(0, 3));
    await sink.write(parquet.slice(3));
    await sink.close();
    const back = await readBack(output);
    expect(back).toHaveLength(parquet.length);
    parquet.forEach(({ alert, scores }, i) => {
      expect(back[i]!.payload.candid).toBe(alert.alertId);
      expect(typeof back[i]!.payload.candid).toBe('bigint');
      expect(toExactJson(back[i]!.payload.candidate)).toBe(toExactJson(alert.payload.candidate));
      expect(toExactJson(back[i]!.payload.prv_candidates)).toBe(toExactJson(alert.payload.prv_candidates));
      expect(Buffer.from(stamp(back[i]!.payload)!).equals(Buffer.from(stamp(alert.payload)!))).toBe(true);
      expect(back[i]!.payload.snia_score).toBe(scores[0]!.outputs.snia_score);
    });
  });

  it('starts another file when an output changes kind, and removes an earlier run’s extra files', async () => {
    const output = join(dir, 'kinds.avro');
    await writeFile(siblingPath(output, 5), 'left by an earlier run');
    const sink = new AvroAlertSink({ name: 'x', output, cutouts: false });
    const [a, b] = ztf;
    const score = (value: number | string) => [{ module: 'm', model: 'm', version: '1', outputs: { m_out: value } }];
    await sink.write([{ alert: a!.alert, scores: score(0.5) }]);
    await sink.write([{ alert: b!.alert, scores: score('SN Ia') }, { alert: a!.alert, scores: [] }]);
    await sink.close();
    expect((await readBack(output)).map((r) => r.payload.m_out)).toEqual([0.5, null]);
    expect((await readBack(siblingPath(output, 1))).map((r) => r.payload.m_out)).toEqual(['SN Ia']);
    expect(existsSync(siblingPath(output, 5))).toBe(false);
  });

  it('writes a valid empty container when nothing matched', async () => {
    const output = join(dir, 'empty.avro');
    const sink = new AvroAlertSink({ name: 'x', output, cutouts: false });
    await sink.close();
    expect(await readBack(output)).toEqual([]);
  });

  it('refuses an output name that cannot be an Avro field, saying which', async () => {
    const sink = new AvroAlertSink({ name: 'x', output: join(dir, 'bad.avro'), cutouts: false });
    const alerts = [{ alert: ztf[0]!.alert, scores: [{ module: 'm', model: 'm', version: '1', outputs: { 'snn-score': 1 } }] }];
    await expect(sink.write(alerts)).rejects.toThrow(/`snn-score` cannot be an Avro field name/);
  });

  it('renames inferred fields Avro cannot name, at every depth, keeping values and original names', async () => {
    const output = join(dir, 'odd-names.avro');
    const sink = new AvroAlertSink({ name: 'x', output, cutouts: false });
    const odd = parquet.map(({ alert, scores }, i) => ({ alert: withOddNames(alert, i), scores }));
    await sink.write(odd.slice(0, 5));
    await sink.write(odd.slice(5));
    await sink.close();

    const { schema, records } = await readWithAvsc(output);
    expect(records).toHaveLength(odd.length);
    odd.forEach(({ alert, scores }, i) => {
      const back = records[i]!;
      expect(back.candid).toBe(alert.alertId);
      expect(back.mangrove._2MASS_name_2).toBe(`J${alert.alertId}`);
      expect(back.mangrove._2MASS_name).toBe(`taken-${i}`);
      expect(back.mangrove.HyperLEDA_name).toBe(`PGC${i}`);
      expect(back.mangrove.lum_dist).toBe(100 + i);
      expect(back.tns_class).toBe(alert.payload['tns-class']);
      expect(back.xm).toEqual([{ Gaia_DR3_id: alert.alertId, g_mag: 17 + i / 10 }]);
      expect(back.misc).toEqual(i % 2 ? { _1st_detection: true } : 3.5);
      expect(back.snia_score).toBe(scores[0]!.outputs.snia_score);
      expect(toExactJson(back.candidate)).toBe(toExactJson(alert.payload.candidate));
    });

    expect(docOf(schema, 'tns_class')).toBe('original name: tns-class');
    expect(docOf(schema, 'candid')).toBeUndefined();
    const mangrove = recordOf(schema, 'mangrove');
    expect(docOf(mangrove, '_2MASS_name_2')).toBe('original name: 2MASS_name');
    expect(docOf(mangrove, '_2MASS_name')).toBeUndefined(); // a valid name keeps its own
    expect(docOf(recordOf(schema, 'xm'), 'Gaia_DR3_id')).toBe('original name: Gaia-DR3 id');
    expect(docOf(recordOf(schema, 'misc'), '_1st_detection')).toBe('original name: 1st detection');
    const names: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (node === null || typeof node !== 'object') return;
      const n = node as { type?: unknown; name?: string; items?: unknown; fields?: { type: unknown }[] };
      if (n.type === 'record') names.push(n.name!);
      n.fields?.forEach((f) => visit(f.type));
      visit(n.items);
    };
    visit(schema);
    expect(names).toEqual(expect.arrayContaining(['aviary.alert', 'aviary.alert_mangrove', 'aviary.alert_xm_item', 'aviary.alert_misc']));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/);
  });

  it('starts another file for an inferred alert with a field the open file lacks, instead of dropping it', async () => {
    const output = join(dir, 'extra-field.avro');
    const sink = new AvroAlertSink({ name: 'x', output, cutouts: false });
    const [a, b] = parquet;
    await sink.write([a!]);
    await sink.write([{ alert: { ...b!.alert, payload: { ...b!.alert.payload, extra_col: 'kept' } }, scores: b!.scores }]);
    await sink.close();
    expect((await readBack(output)).map((r) => r.payload.candid)).toEqual([a!.alert.alertId]);
    const second = await readBack(siblingPath(output, 1));
    expect(second.map((r) => [r.payload.candid, r.payload.extra_col])).toEqual([[b!.alert.alertId, 'kept']]);
  });

  it('replaces a column with a module output of its name even when later fields name the column’s type', async () => {
    // ZTF's cutoutScience defines ztf.alert.cutout, which cutoutTemplate and cutoutDifference name.
    const raw = await realAlerts('ztf/raw-2020', 3);
    const output = join(dir, 'output-over-column.avro');
    const sink = new AvroAlertSink({ name: 'x', output, cutouts: true });
    await sink.write(raw.map((alert, i) => ({ alert, scores: [{ module: 'm', model: 'm', version: '1', outputs: { cutoutScience: i / 4 } }] })));
    await sink.close();
    const back = await readBack(output);
    expect(back.map((r) => r.payload.candid)).toEqual(raw.map((a) => a.alertId));
    raw.forEach((alert, i) => {
      expect(back[i]!.payload.cutoutScience).toBe(i / 4);
      for (const name of ['cutoutTemplate', 'cutoutDifference']) {
        const original = alert.payload[name] as { stampData: Uint8Array };
        expect(toExactJson(back[i]!.payload[name])).toBe(toExactJson({ ...original, stampData: Buffer.from(original.stampData) }));
      }
    });
  });

  it('replaces Rubin’s diaSource with an output though prvDiaSources names its type inside a union', async () => {
    // The official sample alerts (v7_4, v10_0, v11_0): `prvDiaSources` is ["null", {"type": "array", "items": "lsst.v10_0.diaSource"}].
    const rubinSamples = await realAlerts('rubin/alert_packet-schemas');
    const output = join(dir, 'rubin-output-over-column.avro');
    const sink = new AvroAlertSink({ name: 'x', output, cutouts: false });
    await sink.write(rubinSamples.map((alert) => ({ alert, scores: [{ module: 'm', model: 'm', version: '1', outputs: { diaSource: 'replaced' } }] })));
    await sink.close();
    const back = await readBack(rubinSamples.map((_, i) => siblingPath(output, i)));
    expect(back).toHaveLength(rubinSamples.length);
    rubinSamples.forEach((alert, i) => {
      const { diaSource, aviary_models: _, ...rest } = back[i]!.payload;
      expect(diaSource).toBe('replaced');
      expect(alert.payload.prvDiaSources).not.toBeNull();
      expect(toExactJson(rest)).toBe(toExactJson({ ...alert.payload, diaSource: undefined }));
    });
  });
});
