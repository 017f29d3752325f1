/**
 * Keyset paging over alerts in (survey, alert id) order: the cursor names the last alert looked
 * at, so a page never skips nor repeats an alert even while the broker writes new ones.
 */
import type { Survey } from '../alert.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/**
 * Most rows one search page reads: a filter that matches few alerts returns a short page (with
 * a `next` cursor) instead of reading the whole store in one request.
 */
export const MAX_ROWS_SCANNED = 20_000;

export interface PageCursor {
  readonly survey: Survey;
  readonly alertId: bigint;
}

export function encodeCursor(cursor: PageCursor): string {
  return `${cursor.survey}:${cursor.alertId}`;
}

export function decodeCursor(after: string): PageCursor {
  const match = /^(ztf|lsst):(-?\d{1,20})$/.exec(after);
  if (!match) throw new RangeError(`invalid page cursor '${after.slice(0, 60)}': pass back the 'next' value of the previous page unchanged`);
  return { survey: match[1] as Survey, alertId: BigInt(match[2]!) };
}

/** The page size asked for, checked: 1 to 1000, 100 when absent. */
export function pageSize(limit: number | undefined, max = MAX_PAGE_SIZE, fallback = DEFAULT_PAGE_SIZE): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new RangeError(`invalid limit ${limit}: expected an integer from 1 to ${max}`);
  return limit;
}

/** Order of (survey, alert id) pairs: the order pages follow. */
export function compareKeys(a: PageCursor, b: PageCursor): number {
  if (a.survey !== b.survey) return a.survey < b.survey ? -1 : 1;
  return a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0;
}
