/**
 * Logged-model status as search sees it. The table holds the proto names
 * (`LOGGED_MODEL_READY`); users filter with MLflow's Python names (`READY`), which MLflow's
 * file store matches. Filters compare against the short name, and a value written as a proto
 * name is read as its short name, so both spellings work. Ordering follows MLflow's integer
 * codes (UNSPECIFIED, PENDING, READY, FAILED).
 */
import { sql, type Expression } from 'kysely';

const SHORT_NAMES: Readonly<Record<string, string>> = {
  LOGGED_MODEL_STATUS_UNSPECIFIED: 'UNSPECIFIED',
  LOGGED_MODEL_PENDING: 'PENDING',
  LOGGED_MODEL_READY: 'READY',
  LOGGED_MODEL_UPLOAD_FAILED: 'FAILED',
};

/** The stored status as its short name; a value already short (or unknown) passes through. */
export function statusName(stored: Expression<unknown>): Expression<string> {
  const cases = Object.entries(SHORT_NAMES).map(([proto, short]) => sql`when ${proto} then ${short}`);
  return sql<string>`(case ${stored} ${sql.join(cases, sql` `)} else ${stored} end)`;
}

/** The stored status as MLflow's integer code, for ordering. */
export function statusCode(stored: Expression<unknown>): Expression<number> {
  const cases = Object.entries(SHORT_NAMES).flatMap(([proto, short], code) => [
    sql`when ${proto} then ${code}`,
    sql`when ${short} then ${code}`,
  ]);
  return sql<number>`(case ${stored} ${sql.join(cases, sql` `)} end)`;
}

/** A user's status value as the short name search compares with. */
export function normalizeStatus(value: string): string {
  return Object.hasOwn(SHORT_NAMES, value) ? SHORT_NAMES[value]! : value;
}
