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
import { FIELD_SOURCE, type FieldSource } from '../runtime/preprocessing/field-reads.js';
import type { Alert } from './alert.js';
import { isRecord } from './alert-values.js';
import { lsstDiaObjectId } from './lsst-alert-mapper.js';

export type FinkAlertDict = Record<string, unknown>;

const CUTOUTS = new Set(['cutoutScience', 'cutoutTemplate', 'cutoutDifference']);

export function finkAlertDict(alert: Alert, moduleOutputs: Readonly<Record<string, unknown>> = {}): FinkAlertDict {
  const payload = alert.payload;
  const dict: FinkAlertDict = {};
  const ztf = alert.survey === 'ztf';
  const nested = ztf ? 'candidate' : 'diaSource';
  const lists = ztf ? ZTF_LISTS : RUBIN_LISTS;
  // A solar-system source's envelope object is its ssObjectId; Fink's diaObjectId stays the DIA object.
  put(dict, ztf ? 'objectId' : 'diaObjectId', ztf ? alert.objectId : lsstDiaObjectId(payload));
  put(dict, ztf ? 'candid' : 'diaSourceId', alert.alertId);
  const current = payload[nested];
  if (isRecord(current)) for (const key of Object.keys(current)) if (!Object.hasOwn(dict, key)) put(dict, key, current[key]);
  for (const name of lists) put(dict, name, Array.isArray(payload[name]) ? payload[name] : []);
  for (const key of Object.keys(payload)) {
    if (key === nested || CUTOUTS.has(key) || lists.includes(key) || Object.hasOwn(dict, key)) continue;
    put(dict, key, payload[key]);
  }
  for (const key of Object.keys(moduleOutputs)) put(dict, key, moduleOutputs[key]);
  return dict;
}

/** What finkAlertField reads of an alert: a stored alert's columns and payload suffice. */
export type FinkAlertKeys = Pick<Alert, 'survey' | 'alertId' | 'objectId' | 'payload'>;

/** What finkAlertField answers for a field the dict does not have. */
export const ABSENT: unique symbol = Symbol('absent');

/**
 * One field of the alert's flat dict, found without building the dict (a module reading a few
 * fields of each alert need not copy its hundred): the same value finkAlertDict would hold, or
 * ABSENT. The dict's precedence: earlier modules' outputs, then the history lists, the ids, the
 * candidate's fields, the other top-level columns.
 */
export function finkAlertField(alert: FinkAlertKeys, key: string, moduleOutputs: Readonly<Record<string, unknown>> = {}): unknown {
  if (Object.hasOwn(moduleOutputs, key)) return moduleOutputs[key];
  const payload = alert.payload;
  const ztf = alert.survey === 'ztf';
  if ((ztf ? ZTF_LISTS : RUBIN_LISTS).includes(key)) return Array.isArray(payload[key]) ? payload[key] : [];
  if (key === (ztf ? 'objectId' : 'diaObjectId')) return ztf ? alert.objectId : lsstDiaObjectId(payload);
  if (key === (ztf ? 'candid' : 'diaSourceId')) return alert.alertId;
  const nested = ztf ? 'candidate' : 'diaSource';
  const current = payload[nested];
  if (isRecord(current) && Object.hasOwn(current, key)) return current[key];
  if (key !== nested && !CUTOUTS.has(key) && Object.hasOwn(payload, key)) return payload[key];
  return ABSENT;
}

/** The dict as a preprocessing step's input: its fields one by one when the step reads a few, whole otherwise. */
export function finkAlertSource(alert: Alert, moduleOutputs: Readonly<Record<string, unknown>> = {}): FieldSource {
  return {
    [FIELD_SOURCE]: true,
    absent: ABSENT,
    field: (key) => finkAlertField(alert, key, moduleOutputs),
    whole: () => finkAlertDict(alert, moduleOutputs),
  };
}

const ZTF_LISTS: readonly string[] = ['prv_candidates'];
const RUBIN_LISTS: readonly string[] = ['prvDiaSources', 'prvDiaForcedSources'];

/** An own data property for every key: assigning "__proto__" (a key from the alert file) would set the prototype instead. */
function put(dict: FinkAlertDict, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
  else dict[key] = value;
}
