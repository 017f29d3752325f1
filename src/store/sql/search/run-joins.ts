/**
 * Which metric, param and tag rows a `search_runs` order sorts on are joined to `runs` (once per
 * key, on run_uuid and key) rather than read by correlated subqueries. latest_metrics, run_params
 * and run_tags hold at most one row per run and key, so a join never repeats a run and the store's
 * LIMIT/OFFSET still count runs.
 *
 * A metric the filter compares and the order sorts on is always joined, and the filter reads the
 * joined row: one lookup a run where an EXISTS, the NaN rank and the value took three (measured
 * on 100,000 runs: 1.7x faster on SQLite, 9x on PostgreSQL; a small experiment beside them as
 * fast as before). The join is written CROSS JOIN ... WHERE so SQLite keeps `runs` the outer
 * loop (below).
 *
 * Other order keys are LEFT JOINs (missing values sort last) when the filter tests nothing else
 * outside `runs`: every run scanned is then a match, and a join is one lookup per key where a subquery
 * for the NaN/missing rank and another for the value are two. A filter on other tables makes
 * subqueries cheaper, since they run for matches only.
 *
 * An inner join on the first metric key, walking latest_metrics' (key, value) index in order and
 * stopping at the LIMIT, was measured and left out: without statistics SQLite walks the metric's
 * rows of every experiment, which made searches of small experiments beside a large one hundreds
 * of times slower. It becomes worth it once latest_metrics carries experiment_id.
 */
import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { RunComparison, RunKey, RunOrderKey } from '../../../tracking/search/run-search.js';
import type { Database } from '../schema.js';

export interface RunJoin {
  /** Generated (`o0`, `o1`...), never taken from the request. */
  readonly alias: string;
  readonly entity: 'metric' | 'param' | 'tag';
  readonly name: string;
  /** The filter compares this metric too: its row must exist, and the comparison reads it. */
  readonly filtered: boolean;
}

const KEY_TABLES = { metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' } as const;

export function planRunJoins(comparisons: readonly RunComparison[], order: readonly RunOrderKey[]): RunJoin[] {
  const joins: RunJoin[] = [];
  // A metric both compared and sorted on is read once a run, for the filter and both order terms.
  for (const { key } of order) {
    if (key.entity !== 'metric' || findJoin(joins, key) || !comparisons.some((c) => sameKey(c.key, key))) continue;
    joins.push({ alias: `o${joins.length}`, entity: key.entity, name: key.name, filtered: true });
  }
  const filterElsewhere = comparisons.some((c) => c.key.entity !== 'attribute' && !findJoin(joins, c.key));
  if (filterElsewhere) return joins;
  for (const { key } of order) {
    if (key.entity === 'attribute' || key.entity === 'dataset' || findJoin(joins, key)) continue;
    joins.push({ alias: `o${joins.length}`, entity: key.entity, name: key.name, filtered: false });
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

export function joinRunKeys<O>(
  query: SelectQueryBuilder<Database, 'runs', O>,
  joins: readonly RunJoin[],
): SelectQueryBuilder<Database, 'runs', O> {
  let out = query;
  for (const join of joins) {
    const table = `${KEY_TABLES[join.entity]} as ${join.alias}` as const;
    const on = sql<SqlBool>`${sql.ref(`${join.alias}.run_uuid`)} = ${sql.ref('runs.run_uuid')} and ${sql.ref(`${join.alias}.key`)} = ${join.name}`;
    // A filtered metric's join is CROSS JOIN ... WHERE: an inner join, but one SQLite never
    // reorders, so runs stay the outer loop (see above); PostgreSQL plans it as any inner join.
    // The aliases are only ever read through sql.ref, so the query's type can keep naming `runs` alone.
    out = join.filtered
      ? (out.crossJoin(table) as unknown as SelectQueryBuilder<Database, 'runs', O>).where(on)
      : (out.leftJoin(table, (j) => j.on(on)) as unknown as SelectQueryBuilder<Database, 'runs', O>);
  }
  return out;
}

function sameKey(a: { entity: string; name: string }, b: { entity: string; name: string }): boolean {
  return a.entity === b.entity && a.name === b.name;
}
