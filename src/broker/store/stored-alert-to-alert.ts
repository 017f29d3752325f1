/**
 * Rebuilding alerts from stored rows: the envelope and light curve (via `toAlert` on the
 * stored payload), and the record a filter is evaluated on, the same record the broker's
 * filters saw (filter-record.ts).
 */
import { toAlert, type Alert } from '../alert.js';
import type { FilterRecord } from '../filters/alert-filter.js';
import { filterRecord } from '../filters/filter-record.js';
import type { StoredAlert, StoredAlertToAlert } from './alert-store.js';

/** The alert of a stored row, light curve included; its cutouts are empty (see `AlertStore.cutouts`). */
export const storedAlertToAlert: StoredAlertToAlert = (stored: StoredAlert): Alert =>
  toAlert({ kind: 'alert', payload: stored.payload, origin: { file: stored.sourceFile } });

export function storedFilterRecord(stored: StoredAlert): FilterRecord {
  return filterRecord(storedAlertToAlert(stored), stored.scores, stored.shadows);
}
