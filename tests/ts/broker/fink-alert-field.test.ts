/**
 * finkAlertField (one field of the flat dict, looked up without building it: what a module
 * reading a few fields is given) agrees with finkAlertDict on every key of real ZTF and Rubin
 * alerts, with and without earlier modules' outputs shadowing columns.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/broker/alert.js';
import { ABSENT, finkAlertDict, finkAlertField, finkAlertSource } from '../../../src/broker/fink-alert-dict.js';
import { isDeadLetter, readAlerts } from '../../../src/broker/read-alerts.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { toExactJson } from '../../../src/common/exact-json.js';
import { cutSource, projectFields, readSpecOf } from '../../../src/runtime/preprocessing/field-reads.js';

const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const SETS = ['ztf/fink-topics-2023', 'ztf/raw-2020', 'ztf/fink-enriched-2026', 'rubin/raw-v9_0', 'rubin/fink-enriched-2026', 'parquet/ztf-raw-2019'];

async function alertsOf(set: string, limit = 60): Promise<Alert[]> {
  const out: Alert[] = [];
  for await (const item of readAlerts(openAlertSource([DATA + set]))) {
    if (!isDeadLetter(item)) out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}

describe('finkAlertField', () => {
  it.each(SETS)('gives every field of the flat dict as finkAlertDict holds it: %s', async (set) => {
    const alerts = await alertsOf(set);
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      const keys = Object.keys(finkAlertDict(alert));
      // Earlier modules' outputs win over columns of the same name, and add their own.
      const outputs = { [keys[2]!]: 0.5, [keys[keys.length - 1]!]: 'shadowed', new_score: 0.25 };
      for (const prior of [{}, outputs]) {
        const dict = finkAlertDict(alert, prior);
        for (const key of Object.keys(dict)) {
          const value = dict[key];
          // A missing history list is a fresh [] in each; any other value is the alert's own, not a copy.
          if (Array.isArray(value) && value.length === 0) expect(finkAlertField(alert, key, prior), `${set} ${key}`).toEqual([]);
          else expect(finkAlertField(alert, key, prior), `${set} ${key}`).toBe(value);
        }
        for (const key of ['cutoutScience', 'cutoutDifference', 'candidate', 'diaSource', 'no_such_field', 'toString']) {
          if (!Object.hasOwn(dict, key)) expect(finkAlertField(alert, key, prior), `${set} ${key}`).toBe(ABSENT);
        }
      }
    }
  });

  it('cuts the dict to a read spec as projecting the whole dict does', async () => {
    const spec = readSpecOf({ prv_candidates: { magpsf: {}, jd: {} }, prvDiaSources: { psfFlux: {} }, candid: {}, diaSourceId: {}, objectId: {}, jd: {}, midpointMjdTai: {}, missing: {} })!;
    for (const set of SETS) {
      for (const alert of await alertsOf(set, 20)) {
        const source = finkAlertSource(alert, { new_score: 1 });
        expect(toExactJson(cutSource(source, spec), { nonFinite: 'python' })).toBe(toExactJson(projectFields(source.whole(), spec), { nonFinite: 'python' }));
      }
    }
  });
});
