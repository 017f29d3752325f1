/**
 * The flat dict a preprocessing receives, built from real alerts: ZTF raw and Fink-enriched,
 * Parquet and Rubin; and its JSON, read back by Python with every 64-bit id exact.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { finkAlertDict } from '../../../src/broker/fink-alert-dict.js';
import { isDeadLetter, readAlerts } from '../../../src/broker/read-alerts.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { toExactJson } from '../../../src/common/exact-json.js';
import { dataPath } from './shared-data.js';

async function alertsOf(path: string): Promise<Alert[]> {
  const out: Alert[] = [];
  for await (const item of readAlerts(openAlertSource(dataPath(path)))) if (!isDeadLetter(item)) out.push(item);
  return out;
}

let enriched: Alert[], raw: Alert[], parquet: Alert[], rubin: Alert[];
beforeAll(async () => {
  [enriched, raw, parquet, rubin] = await Promise.all(['ztf/fink-enriched-2026', 'ztf/raw-2020', 'parquet/ztf-raw-2019', 'rubin/fink-enriched-2026'].map(alertsOf));
});

describe('finkAlertDict (ZTF)', () => {
  it('puts objectId, candid, the candidate fields, prv_candidates and the Fink columns at the top level, cutouts out', () => {
    const alert = enriched[0]!;
    const dict = finkAlertDict(alert);
    const candidate = alert.payload.candidate as Record<string, unknown>;
    expect(Object.keys(dict).slice(0, 2)).toEqual(['objectId', 'candid']);
    expect(dict.objectId).toBe(alert.objectId);
    expect(dict.candid).toBe(alert.alertId);
    for (const [key, value] of Object.entries(candidate)) expect(dict[key], key).toBe(value);
    expect(dict.prv_candidates).toBe(alert.payload.prv_candidates);
    for (const column of ['lc_features_g', 'lc_features_r', 'mag_rate', 'rf_snia_vs_nonia', 'snn_snia_vs_nonia', 'finkclass', 'jd_first_real_det', 'schemavsn']) {
      expect(dict, column).toHaveProperty(column, alert.payload[column]);
    }
    expect(typeof (dict.lc_features_g as Record<string, unknown>).amplitude).toBe('number');
    for (const cutout of ['cutoutScience', 'cutoutTemplate', 'cutoutDifference']) expect(dict).not.toHaveProperty(cutout);
    expect(dict).not.toHaveProperty('candidate');
  });

  it('merges earlier modules outputs last, over a column of the same name', () => {
    const dict = finkAlertDict(enriched[0]!, { snn_score: 0.93, finkclass: 'SN candidate' });
    expect(dict.snn_score).toBe(0.93);
    expect(dict.finkclass).toBe('SN candidate');
  });

  it('gives an empty list for an alert without history, and works the same from Parquet', () => {
    const noHistory = finkAlertDict({ ...raw[0]!, payload: { ...raw[0]!.payload, prv_candidates: null } });
    expect(noHistory.prv_candidates).toEqual([]);
    const fromParquet = finkAlertDict(parquet[0]!);
    expect(fromParquet.candid).toBe(975188143515015117n);
    expect(fromParquet.magpsf).toBe((parquet[0]!.payload.candidate as Record<string, unknown>).magpsf);
    expect(Array.isArray(fromParquet.prv_candidates)).toBe(true);
  });

  it('is written as JSON that Python reads with every 64-bit integer exact', () => {
    const dicts = [...enriched.slice(0, 5), ...parquet.slice(0, 5)].map((a) => finkAlertDict(a));
    const lines = dicts.map((d) => toExactJson(d, { nonFinite: 'python' })).join('\n');
    const script = 'import json,sys\nfor line in sys.stdin:\n  d = json.loads(line)\n  print(d["candid"], d["pid"], [p["pid"] for p in d["prv_candidates"]][:2], "cutoutScience" in d)';
    const out = execFileSync('python3', ['-c', script], { input: lines }).toString().trim().split('\n');
    expect(out).toEqual(
      dicts.map((d) => {
        const pids = (d.prv_candidates as Record<string, unknown>[]).slice(0, 2).map((p) => String(p.pid));
        return `${d.candid} ${d.pid} [${pids.join(', ')}] False`;
      }),
    );
  });
});

describe('finkAlertDict (Rubin)', () => {
  it('puts diaObjectId, diaSourceId, the diaSource fields and the history lists at the top level, Fink columns kept', () => {
    const alert = rubin[0]!;
    const dict = finkAlertDict(alert);
    expect(Object.keys(dict).slice(0, 2)).toEqual(['diaObjectId', 'diaSourceId']);
    expect(dict.diaSourceId).toBe(170094456272322680n);
    expect(dict.midpointMjdTai).toBe(alert.time);
    expect(dict.band).toBe('i');
    expect(dict.prvDiaSources).toBe(alert.payload.prvDiaSources);
    expect(dict.prvDiaForcedSources).toBe(alert.payload.prvDiaForcedSources);
    for (const column of ['diaObject', 'clf', 'xm', 'pred', 'lc_features', 'lsst_schema_version']) expect(dict, column).toHaveProperty(column);
    expect(dict).not.toHaveProperty('cutoutScience');
    expect(dict).not.toHaveProperty('diaSource');
  });
});
