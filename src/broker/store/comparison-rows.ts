/**
 * What every store's comparisonRows shares: the limit checked, and the label read from an alert
 * as a filter reads a field of the broker's record (filter-record.ts: the flat dict, then the
 * nested candidate or diaSource), found field by field (finkAlertField) rather than by building
 * the record: a comparison reads it for up to 100,000 alerts. Rows come newest first by the
 * shadow's write, then (survey, alert id) descending, so that rows written together come in one
 * order in every store.
 */
import { ABSENT, finkAlertField, type FinkAlertKeys } from '../fink-alert-dict.js';
import { isNullish, lookupField } from '../filters/filter-values.js';
import { pageSize } from './alert-page-cursor.js';

export const DEFAULT_COMPARISON_ROWS = 100_000;
/** Past it, the caller should sample: the rows are held in memory at once. */
export const MAX_COMPARISON_ROWS = 1_000_000;

export function comparisonLimit(limit: number | undefined): number {
  return pageSize(limit, MAX_COMPARISON_ROWS, DEFAULT_COMPARISON_ROWS);
}

/**
 * The value of `field` (a flat-dict name or a dotted path) as a filter reads it from the alert;
 * undefined when absent, null or NaN (no truth).
 */
export function labelOf(alert: FinkAlertKeys, field: string): unknown {
  const parts = field.split('.');
  // As lookupField: the longest key first ("lc_features_g.amplitude" as one key wins over walking).
  for (let n = parts.length; n >= 1; n--) {
    const value = recordField(alert, parts.slice(0, n).join('.'));
    if (value === ABSENT) continue;
    const found = n === parts.length ? value : lookupField(value, parts.slice(n).join('.'));
    return isNullish(found) ? undefined : found;
  }
  return undefined;
}

/**
 * The top-level payload fields labelOf may read for `field`: each leading part of the path, the
 * nested records and what a Rubin alert's diaObjectId comes from. A store may fetch only these.
 */
export function labelPayloadKeys(field: string): string[] {
  const parts = field.split('.');
  return [...new Set([...parts.map((_, i) => parts.slice(0, i + 1).join('.')), 'candidate', 'diaSource', 'diaObject'])];
}

/** A key of the filter record: the flat dict's, else the nested record itself (as filterRecord adds it). */
function recordField(alert: FinkAlertKeys, key: string): unknown {
  const value = finkAlertField(alert, key);
  if (value !== ABSENT) return value;
  const nested = alert.survey === 'ztf' ? 'candidate' : 'diaSource';
  return key === nested && alert.payload[nested] !== undefined ? alert.payload[nested] : ABSENT;
}
