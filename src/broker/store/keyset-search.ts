/**
 * A search page over a SQL store: rows read in (survey, alert id) order a chunk at a time from
 * after the cursor, each turned into a stored alert and kept when the filter matches it (the
 * filter runs here, on the record the broker's filters saw), until the page is full or
 * MAX_ROWS_SCANNED rows were read. Shared by the SQLite and PostgreSQL stores.
 */
import type { Survey } from '../alert.js';
import type { AlertPage, SearchOptions, StoredAlert } from './alert-store.js';
import { decodeCursor, encodeCursor, MAX_ROWS_SCANNED, pageSize, type PageCursor } from './alert-page-cursor.js';
import { storedFilterRecord } from './stored-alert-to-alert.js';

/** Rows read per query while a filtered search scans. */
const SCAN_CHUNK = 200;
export const BEFORE_EVERY_ID: PageCursor = { survey: '' as Survey, alertId: -(2n ** 63n) };

export interface KeysetScan<Row> {
  /** Up to `count` rows after `cursor`, in (survey, alert id) order; of `survey` alone when given. */
  rowsAfter(cursor: PageCursor, survey: Survey | undefined, count: number): readonly Row[] | Promise<readonly Row[]>;
  keyOf(row: Row): PageCursor;
  /** Called only for the rows the page looks at. */
  toStored(row: Row): StoredAlert;
}

export async function searchByKeyset<Row>(scan: KeysetScan<Row>, options: SearchOptions): Promise<AlertPage> {
  const limit = pageSize(options.limit);
  let cursor = options.after === undefined ? BEFORE_EVERY_ID : decodeCursor(options.after);
  const found: StoredAlert[] = [];
  let scanned = 0;
  for (;;) {
    const chunk = Math.min(options.filter ? SCAN_CHUNK : limit - found.length, MAX_ROWS_SCANNED - scanned);
    const rows = await scan.rowsAfter(cursor, options.survey, chunk + 1); // one more than read: tells whether more follow
    let read = 0;
    for (const row of rows.slice(0, chunk)) {
      read++;
      cursor = scan.keyOf(row);
      const stored = scan.toStored(row);
      if (!options.filter || options.filter.matches(storedFilterRecord(stored))) found.push(stored);
      if (found.length === limit) break;
    }
    scanned += read;
    if (rows.length <= read) return { alerts: found };
    if (found.length === limit || scanned >= MAX_ROWS_SCANNED) return { alerts: found, next: encodeCursor(cursor) };
  }
}
