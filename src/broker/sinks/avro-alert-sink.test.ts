import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toExactJson } from '../../common/exact-json.js';
import { parseExactJson } from '../../common/exact-json-parse.js';
import { toAlert } from '../alert.js';
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
});
