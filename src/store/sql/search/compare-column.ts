/**
 * One comparison of the search AST against one SQL value. Operators come from a fixed table
 * keyed by the AST's closed comparator types; values are always bound parameters.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Comparison } from '../../../tracking/search/comparison.js';
import type { SearchSqlDialect } from './search-sql-dialect.js';

const OPERATOR = { '=': '=', '!=': '!=', '>': '>', '>=': '>=', '<': '<', '<=': '<=' } as const;

export function compareColumn(column: Expression<unknown>, c: Comparison, dialect: SearchSqlDialect): Expression<SqlBool> {
  switch (c.type) {
    case 'number':
      return sql<SqlBool>`(${column} ${sql.raw(OPERATOR[c.op])} ${dialect.number(c.value)})`;
    case 'string':
      if (c.op === 'LIKE') return dialect.like(column, c.value);
      if (c.op === 'ILIKE') return dialect.ilike(column, c.value);
      return sql<SqlBool>`(${column} ${sql.raw(OPERATOR[c.op])} ${c.value})`;
    case 'list':
      return sql<SqlBool>`(${column} ${sql.raw(c.op === 'IN' ? 'IN' : 'NOT IN')} (${sql.join(c.values)}))`;
    case 'null':
      return sql<SqlBool>`(${column} ${sql.raw(c.op === 'IS NULL' ? 'IS NULL' : 'IS NOT NULL')})`;
  }
}

/**
 * A metric stored as MLflow does: NaN is `is_nan = 1` with a placeholder value of 0. NaN
 * compares false with everything, so the placeholder must never match, except under `!=`,
 * which every NaN satisfies.
 */
export function compareMetric(
  value: Expression<unknown>,
  isNan: Expression<unknown>,
  c: Comparison,
  dialect: SearchSqlDialect,
): Expression<SqlBool> {
  const matches = compareColumn(value, c, dialect);
  return c.op === '!=' ? sql<SqlBool>`(${matches} OR ${isNan} = 1)` : sql<SqlBool>`(${matches} AND ${isNan} = 0)`;
}
