/**
 * The alert handed to a preprocessing step, shaped as a Fink data transfer row (what a Fink AI
 * `pre_processing(alert: dict)` receives): flat, with the candidate's fields at the top level.
 *
 * ZTF:   objectId, candid, every `candidate` field, `prv_candidates` (a list, empty when the
 *        alert has none), then every other top-level column as it is (schemavsn, publisher,
 *        `fp_hists`, and Fink's columns: `lc_features_g`, `mag_rate`, `rf_snia_vs_nonia`, ...).
 * Rubin: diaObjectId, diaSourceId, every `diaSource` field, `prvDiaSources` and
 *        `prvDiaForcedSources` (lists), then every other top-level column (diaObject, Fink's
 *        `clf`, `xm`, `pred`, `lc_features`, ...).
 *
 * Then earlier modules' outputs, which win over a column of the same name. Cutouts are left
 * out. Values are shared with the alert, not copied. Write it with `toExactJson` (common/
 * exact-json.ts): 64-bit ids stay exact integers; `nonFinite: 'python'` keeps NaN for Python.
 */
import type { Alert } from './alert.js';
import { isRecord } from './alert-values.js';

export type FinkAlertDict = Record<string, unknown>;

const CUTOUTS = new Set(['cutoutScience', 'cutoutTemplate', 'cutoutDifference']);

export function finkAlertDict(alert: Alert, moduleOutputs: Readonly<Record<string, unknown>> = {}): FinkAlertDict {
  const payload = alert.payload;
  const dict: FinkAlertDict = {};
  const put = (key: string, value: unknown) => Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
  const nested = alert.survey === 'ztf' ? 'candidate' : 'diaSource';
  const lists = alert.survey === 'ztf' ? ['prv_candidates'] : ['prvDiaSources', 'prvDiaForcedSources'];
  if (alert.survey === 'ztf') {
    put('objectId', alert.objectId);
    put('candid', alert.alertId);
  } else {
    put('diaObjectId', alert.objectId);
    put('diaSourceId', alert.alertId);
  }
  const current = payload[nested];
  if (isRecord(current)) for (const [key, value] of Object.entries(current)) if (!(key in dict)) put(key, value);
  for (const name of lists) put(name, Array.isArray(payload[name]) ? payload[name] : []);
  for (const [key, value] of Object.entries(payload)) {
    if (key === nested || CUTOUTS.has(key) || lists.includes(key) || key in dict) continue;
    put(key, value);
  }
  for (const [key, value] of Object.entries(moduleOutputs)) put(key, value);
  return dict;
}
