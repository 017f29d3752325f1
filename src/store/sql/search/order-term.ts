/** One ORDER BY item, built before it is added to a query, and the NULLS LAST idiom every search uses. */
import { sql, type Expression } from 'kysely';

export interface OrderTerm {
  readonly expr: Expression<unknown>;
  readonly direction: 'asc' | 'desc';
}

/**
 * 1 for a missing value, 0 otherwise: sorted ascending before the value itself, it sends NULLs
 * last in both directions. (NULLS LAST would do on SQLite and PostgreSQL alike; this form also
 * reads the same on every database MLflow supports.)
 */
export function missingLast(value: Expression<unknown>): Expression<number> {
  return sql<number>`(case when ${value} is null then 1 else 0 end)`;
}
