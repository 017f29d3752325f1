/**
 * Every real data set in ../shared/data reads completely, through openAlertSource and the
 * alert model: the counts of its README, ids and light-curve lengths equal to an independent
 * decode (fastavro / pyarrow), upper limits marked, time order, cutouts apart.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { isDeadLetter, readAlerts } from '../../../src/broker/read-alerts.js';
import type { DeadLetter } from '../../../src/broker/sources/alert-source.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { DATA_SETS, dataPath, decodeIndependently, type DecodedAlert } from './shared-data.js';

const read = async (paths: string | string[]) => {
  const alerts: Alert[] = [];
  const dead: DeadLetter[] = [];
  for await (const item of readAlerts(openAlertSource(paths))) {
    if (isDeadLetter(item)) dead.push(item);
    else alerts.push(item);
  }
  return { alerts, dead };
};

const byData = new Map<string, { alerts: Alert[]; dead: DeadLetter[] }>();
let decoded: Map<string, DecodedAlert>;
const key = (file: string, index: number) => `${file}#${index}`;

beforeAll(async () => {
  for (const set of DATA_SETS) byData.set(set.path, await read(dataPath(set.path)));
  const files = [...new Set([...byData.values()].flatMap((r) => r.alerts.map((a) => a.origin.file)))];
  decoded = new Map((await decodeIndependently(files)).map((d) => [key(d.file, d.index), d]));
}, 600_000);

describe.each(DATA_SETS)('$path', ({ path, alerts: count, survey }) => {
  it(`reads ${count} alerts, no dead letter`, () => {
    const { alerts, dead } = byData.get(path)!;
    expect(dead).toEqual([]);
    expect(alerts).toHaveLength(count);
    expect(new Set(alerts.map((a) => a.survey))).toEqual(new Set([survey]));
  });

  it('has the ids, object ids and history lengths of an independent decode', () => {
    for (const alert of byData.get(path)!.alerts) {
      const expected = decoded.get(key(alert.origin.file, alert.origin.index!));
      expect(expected, `${alert.origin.file} record ${alert.origin.index}`).toBeDefined();
      expect(typeof alert.alertId).toBe('bigint');
      expect(alert.alertId.toString()).toBe(expected!.id);
      expect(alert.objectId === null ? null : String(alert.objectId)).toBe(expected!.objectId);
      expect(alert.lightCurve).toHaveLength(expected!.history + 1);
    }
  });

  it('builds a time-ordered light curve with the current detection and the upper limits marked', () => {
    for (const alert of byData.get(path)!.alerts) {
      const times = alert.lightCurve.map((p) => p.time);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const current = alert.lightCurve.filter((p) => p.current);
      expect(current).toHaveLength(1);
      expect(current[0]!.time).toBe(alert.time);
      const limits = alert.lightCurve.filter((p) => p.kind === 'upper-limit');
      expect(limits).toHaveLength(decoded.get(key(alert.origin.file, alert.origin.index!))!.upperLimits);
      if (survey === 'ztf') {
        for (const limit of limits) {
          expect(limit.entry.magpsf).toBeNull();
          expect(limit.magnitude).toBeUndefined();
          expect(limit.limitingMagnitude).toBe(limit.entry.diffmaglim);
        }
      }
    }
  });
});

describe('exact ids', () => {
  it('keeps 64-bit ids past 2^53 exact, as files hold them', () => {
    const find = (path: string, file: string) => byData.get(path)!.alerts.find((a) => a.origin.file.endsWith(file))!;
    expect(find('ztf/raw-2020', '1095578115815010001.avro').alertId).toBe(1095578115815010001n);
    expect(find('ztf/ztf-avro-alert-samples', '2019_01_10_739260766315010006.avro').alertId).toBe(739260766315010006n);
    const parquet = byData.get('parquet/ztf-raw-2019')!.alerts[0]!;
    expect(parquet.alertId).toBe(975188143515015117n);
    expect(parquet.objectId).toBe('ZTF19abbsjqp');
    const rubin = find('rubin/raw-v9_0', '169298432900464695_169298432900464695.avro');
    expect(rubin.alertId).toBe(169298432900464695n);
    expect(rubin.alertId > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const enriched = byData.get('rubin/fink-enriched-2026')!.alerts[0]!;
    expect(enriched.alertId).toBe(170094456272322680n);
    expect(enriched.objectId).toBe(170028485706776685n);
  });
});

describe('the ZTF fink-client-2019 files', () => {
  it('reads each file, the spec-breaking avro_multi_alerts_other.avro included', () => {
    const perFile = new Map<string, number>();
    for (const a of byData.get('ztf/fink-client-2019')!.alerts) {
      const name = a.origin.file.split('/').pop()!;
      perFile.set(name, (perFile.get(name) ?? 0) + 1);
    }
    expect(Object.fromEntries(perFile)).toEqual({
      'ZTF19acihgng.avro': 1,
      'ZTF19acxxwrs.avro': 1,
      'ZTF19acyfkzd.avro': 1,
      'ZTF19acyjzeo.avro': 1,
      'avro_multi_alerts.avro': 11,
      'avro_multi_alerts_other.avro': 3,
    });
  });
});

describe('cutouts and survey fields', () => {
  it('exposes ZTF cutouts as gzipped FITS and Rubin v9 cutouts as plain FITS, apart from the payload', () => {
    const ztf = byData.get('ztf/raw-2020')!.alerts[0]!;
    for (const cutout of [ztf.cutouts.science, ztf.cutouts.template, ztf.cutouts.difference]) {
      expect(cutout!.encoding).toBe('fits.gz');
      expect(cutout!.bytes.length).toBeGreaterThan(10_000);
      expect(cutout!.fileName).toMatch(/\.fits\.gz$/);
    }
    const rubin = byData.get('rubin/raw-v9_0')!.alerts[0]!;
    expect(rubin.cutouts.science!.encoding).toBe('fits');
    expect(Buffer.from(rubin.cutouts.science!.bytes.subarray(0, 6)).toString('latin1')).toBe('SIMPLE');
  });

  it('maps ZTF fid to g/r/i and keeps Rubin bands, magnitudes for ZTF and fluxes for Rubin', () => {
    for (const set of DATA_SETS) {
      for (const alert of byData.get(set.path)!.alerts) {
        if (alert.survey === 'ztf') {
          expect(['g', 'r', 'i']).toContain(alert.band);
          expect(alert.band).toBe({ 1: 'g', 2: 'r', 3: 'i' }[(alert.payload.candidate as { fid: number }).fid]);
          expect(alert.timeScale).toBe('jd');
          expect(alert.magnitude!.value).toBeGreaterThan(5);
        } else {
          expect(['u', 'g', 'r', 'i', 'z', 'y']).toContain(alert.band);
          expect(alert.timeScale).toBe('mjd_tai');
          expect(typeof alert.flux!.value).toBe('number');
        }
        expect(alert.ra).toBeGreaterThanOrEqual(0);
        expect(alert.ra).toBeLessThan(360);
        expect(Math.abs(alert.dec)).toBeLessThanOrEqual(90);
      }
    }
  });
});
