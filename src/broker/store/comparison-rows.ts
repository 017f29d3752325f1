/**
 * What every store's comparisonRows shares: the limit checked, the order of the rows (the
 * shadow's write newest first, then (survey, alert id) descending, so that rows written together
 * come in one order everywhere), and the label read from an alert as a filter reads a field.
 */
import { toAlert } from '../alert.js';
import { filterRecord } from '../filters/filter-record.js';
import { lookupField } from '../filters/filter-values.js';
import { pageSize } from './alert-page-cursor.js';

export const DEFAULT_COMPARISON_ROWS = 100_000;
/** Past it, the caller should sample: the rows are held in memory at once. */
export const MAX_COMPARISON_ROWS = 1_000_000;

export function comparisonLimit(limit: number | undefined): number {
  return pageSize(limit, MAX_COMPARISON_ROWS, DEFAULT_COMPARISON_ROWS);
}

/** The value of `field` in the alert's flat dict (or a dotted path into its payload); undefined when absent. */
export function labelOf(payload: Readonly<Record<string, unknown>>, sourceFile: string, field: string): unknown {
  const record = filterRecord(toAlert({ kind: 'alert', payload, origin: { file: sourceFile } }), []);
  const value = lookupField(record, field);
  return value === null ? undefined : value;
}
