/**
 * Which metric, param and tag rows a `search_runs` order sorts on are joined to `runs` (once per
 * key, on run_uuid and key) rather than read by correlated subqueries. latest_metrics, run_params
 * and run_tags hold at most one row per run and key, so a join never repeats a run and the store's
 * LIMIT/OFFSET still count runs.
 *
 * - (Not planned for now; see planRunJoins.) The first order key can be an inner join when it is a metric the filter compares with anything
 *   but `!=`: every match then has a number for it (a missing metric or a NaN fails such a
 *   comparison). The filter's comparisons of that metric test the joined row, and the order
 *   starts with its value alone, so the database can walk the latest_metrics (key, value) index
 *   in order and stop at the LIMIT instead of sorting every match. The walk costs the index
 *   entries it passes before the page is full, so it pays off when matches are dense: with a
 *   selective filter on another key, or in an experiment holding a small share of the metric's
 *   rows in the whole database, it passes most of the range and costs more than the scan of the
 *   experiment's runs it replaces. (The planner cannot tell: SQLite keeps no statistics here.)
 * - Other order keys are LEFT JOINs (missing values sort last) when the filter tests nothing
 *   outside `runs` and that inner join: every run scanned is then a match, and a join is one
 *   lookup per key where a subquery for the NaN/missing rank and another for the value are two.
 *   A filter on other tables makes subqueries cheaper, since they run for matches only.
 */
import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { RunComparison, RunKey, RunOrderKey } from '../../../tracking/search/run-search.js';
import type { Database } from '../schema.js';
import { compareMetric } from './compare-column.js';
import type { SearchSqlDialect } from './search-sql-dialect.js';

export interface RunJoin {
  /** Generated (`o0`, `o1`...), never taken from the request. */
  readonly alias: string;
  readonly entity: 'metric' | 'param' | 'tag';
  readonly name: string;
  /** The inner join of the first order key described above: its values are numbers. */
  readonly inner: boolean;
}

const KEY_TABLES = { metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' } as const;

export function planRunJoins(comparisons: readonly RunComparison[], order: readonly RunOrderKey[]): RunJoin[] {
  const joins: RunJoin[] = [];
  // The inner-join index walk described above is not planned: without statistics SQLite walks
  // the metric's rows of every experiment, which made searches of small experiments beside a
  // large one hundreds of times slower. It returns once latest_metrics carries experiment_id.
  const filterElsewhere = comparisons.some((c) => c.key.entity !== 'attribute' && !findJoin(joins, c.key));
  if (filterElsewhere) return joins;
  for (const { key } of order) {
    if (key.entity === 'attribute' || key.entity === 'dataset' || findJoin(joins, key)) continue;
    joins.push({ alias: `o${joins.length}`, entity: key.entity, name: key.name, inner: false });
  }
  return joins;
}

export function findJoin(joins: readonly RunJoin[], key: RunKey): RunJoin | undefined {
  return joins.find((j) => sameKey(j, key));
}

/** The joined row's value; `is_nan` exists for metrics only. */
export function joinedColumn(join: RunJoin, column: 'value' | 'is_nan'): Expression<unknown> {
  return sql.ref(`${join.alias}.${column}`);
}

/** A comparison of the inner-joined metric, tested on the joined row instead of through EXISTS. */
export function joinedCondition(join: RunJoin, c: RunComparison, dialect: SearchSqlDialect): Expression<SqlBool> {
  return compareMetric(joinedColumn(join, 'value'), joinedColumn(join, 'is_nan'), c, dialect);
}

export function joinRunKeys<O>(
  query: SelectQueryBuilder<Database, 'runs', O>,
  joins: readonly RunJoin[],
): SelectQueryBuilder<Database, 'runs', O> {
  let out = query;
  for (const join of joins) {
    const table = `${KEY_TABLES[join.entity]} as ${join.alias}` as const;
    const on = sql<SqlBool>`${sql.ref(`${join.alias}.run_uuid`)} = ${sql.ref('runs.run_uuid')} and ${sql.ref(`${join.alias}.key`)} = ${join.name}`;
    const joined = join.inner ? out.innerJoin(table, (j) => j.on(on)) : out.leftJoin(table, (j) => j.on(on));
    // The aliases are only ever read through sql.ref, so the query's type can keep naming `runs` alone.
    out = joined as unknown as SelectQueryBuilder<Database, 'runs', O>;
  }
  return out;
}

function sameKey(a: { entity: string; name: string }, b: { entity: string; name: string }): boolean {
  return a.entity === b.entity && a.name === b.name;
}
