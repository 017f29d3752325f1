/**
 * `search_runs` filter and order_by, compiled onto the store's `db.selectFrom('runs')` query.
 * Everything is parsed before the query is touched, so bad input fails before any SQL runs.
 * The store still applies experiment ids, view type, limit and offset; it must select only
 * `runs` columns, since the keys the order sorts on are joined in (run-joins.ts).
 */
import { expressionBuilder, type SelectQueryBuilder } from 'kysely';
import { parseRunFilter, parseRunOrderBy } from '../../../tracking/search/run-search.js';
import type { Database } from '../schema.js';
import { runCondition } from './run-condition.js';
import { joinRunKeys, planRunJoins } from './run-joins.js';
import { runOrderTerms } from './run-order.js';
import { searchSqlDialect, type SearchDialectName } from './search-sql-dialect.js';

export interface RunSearchOptions {
  filter?: string;
  orderBy?: readonly string[];
  dialect?: SearchDialectName;
}

export function applyRunSearch<O>(
  qb: SelectQueryBuilder<Database, 'runs', O>,
  options: RunSearchOptions,
): SelectQueryBuilder<Database, 'runs', O> {
  const dialect = searchSqlDialect(options.dialect);
  const comparisons = parseRunFilter(options.filter);
  const order = parseRunOrderBy(options.orderBy);
  const joins = planRunJoins(comparisons, order);
  const eb = expressionBuilder<Database, 'runs'>();
  let query = joinRunKeys(qb, joins);
  const conditions = comparisons.map((c) => runCondition(eb, c, dialect, joins));
  if (conditions.length > 0) query = query.where(eb.and(conditions));
  for (const term of runOrderTerms(eb, order, joins)) query = query.orderBy(term.expr, term.direction);
  return query;
}
