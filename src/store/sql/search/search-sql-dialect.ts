/**
 * The only SQL of search that differs between databases: MLflow's LIKE and ILIKE, and numbers.
 * MLflow's LIKE is case-sensitive, with `%` and `_` as wildcards and no escape character.
 *
 * - SQLite: LIKE ignores ASCII case, so LIKE becomes GLOB (always case-sensitive) with the
 *   pattern translated (`%` -> `*`, `_` -> `?`, GLOB's own `*`, `?` and `[` bracketed so they
 *   match themselves). ILIKE is `lower(x) LIKE lower(pattern)`, what SQLAlchemy emits for MLflow
 *   on SQLite; like SQLite's lower(), it folds ASCII letters only.
 * - PostgreSQL: LIKE and ILIKE natively; `ESCAPE ''` turns off the backslash escape PostgreSQL
 *   has by default, so a pattern means the same thing on both databases.
 * The pattern is always a bound parameter. So are numbers, typed on PostgreSQL (below).
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { SqlDialectName } from '../sql-dialect-name.js';

export type SearchDialectName = SqlDialectName;

export interface SearchSqlDialect {
  like(value: Expression<unknown>, pattern: string): Expression<SqlBool>;
  ilike(value: Expression<unknown>, pattern: string): Expression<SqlBool>;
  /** A number compared with a column of any numeric type. */
  number(value: number): Expression<number>;
}

const sqlite: SearchSqlDialect = {
  like: (value, pattern) => sql<SqlBool>`(${value} GLOB ${likeToGlob(pattern)})`,
  ilike: (value, pattern) => sql<SqlBool>`(lower(${value}) LIKE lower(${pattern}))`,
  number: (value) => sql<number>`${value}`,
};

const postgres: SearchSqlDialect = {
  like: (value, pattern) => sql<SqlBool>`(${value} LIKE ${pattern} ESCAPE '')`,
  ilike: (value, pattern) => sql<SqlBool>`(${value} ILIKE ${pattern} ESCAPE '')`,
  // A parameter takes the column's type: 1.5 or 1e23 against an INTEGER column would fail to
  // convert. Typed, it compares as SQLite compares it: a whole number as BIGINT (an index on an
  // integer column still serves), anything else as DOUBLE PRECISION.
  number: (value) => (Number.isSafeInteger(value) ? sql<number>`cast(${value} as bigint)` : sql<number>`cast(${value} as double precision)`),
};

export function searchSqlDialect(name: SearchDialectName = 'sqlite'): SearchSqlDialect {
  return name === 'postgres' ? postgres : sqlite;
}

/** A LIKE pattern as the GLOB pattern matching the same strings. */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (const c of pattern) {
    if (c === '%') glob += '*';
    else if (c === '_') glob += '?';
    else if (c === '*' || c === '?' || c === '[') glob += `[${c}]`;
    else glob += c;
  }
  return glob;
}
