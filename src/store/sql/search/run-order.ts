/**
 * MLflow's run order as ORDER BY terms. Each key sorts missing values last whatever the
 * direction; a metric also puts NaN after every number but before missing values, as MLflow's
 * SQL store does. Then come MLflow's tie-breakers: start_time DESC (unless start_time was
 * named) and run_uuid. A metric, param or tag value comes from its joined row when run-joins.ts
 * joined one (alone, when the filter leaves only numbers), else from a correlated subquery.
 */
import { sql, type Expression } from 'kysely';
import type { RunKey, RunOrderKey } from '../../../tracking/search/run-search.js';
import { missingLast, type OrderTerm } from './order-term.js';
import { RUN_COLUMNS, type RunsExpressionBuilder } from './run-condition.js';
import { findJoin, joinedColumn, type RunJoin } from './run-joins.js';

export function runOrderTerms(eb: RunsExpressionBuilder, keys: readonly RunOrderKey[], joins: readonly RunJoin[]): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const { key, ascending } of keys) {
    const direction = ascending ? 'asc' : 'desc';
    if (key.entity === 'attribute') {
      // end_time is the only run attribute that can be missing.
      const column = eb.ref(RUN_COLUMNS[key.name]);
      if (key.name === 'end_time') terms.push({ expr: missingLast(column), direction: 'asc' });
      terms.push({ expr: column, direction });
      continue;
    }
    // The grammar refuses to order by datasets.
    if (key.entity === 'dataset') continue;
    const join = findJoin(joins, key);
    const column = (name: 'value' | 'is_nan') => (join ? joinedColumn(join, name) : keySubquery(eb, key, name));
    if (key.entity === 'metric') {
      // 0: a number, 1: NaN, 2: no such metric.
      terms.push({ expr: sql`coalesce(${column('is_nan')}, 2)`, direction: 'asc' }, { expr: column('value'), direction });
    } else {
      terms.push({ expr: missingLast(column('value')), direction: 'asc' }, { expr: column('value'), direction });
    }
  }
  if (!keys.some(({ key }) => key.entity === 'attribute' && key.name === 'start_time')) {
    terms.push({ expr: eb.ref('runs.start_time'), direction: 'desc' });
  }
  terms.push({ expr: eb.ref('runs.run_uuid'), direction: 'asc' });
  return terms;
}

/** The value (or NaN flag) of a run's metric, param or tag, NULL when the run has none. */
function keySubquery(eb: RunsExpressionBuilder, key: RunKey, column: 'value' | 'is_nan'): Expression<unknown> {
  if (key.entity === 'metric') {
    return eb
      .selectFrom('latest_metrics as lm')
      .select(column === 'value' ? 'lm.value' : 'lm.is_nan')
      .whereRef('lm.run_uuid', '=', 'runs.run_uuid')
      .where('lm.key', '=', key.name);
  }
  return eb
    .selectFrom(key.entity === 'param' ? 'run_params as kv' : 'run_tags as kv')
    .select('kv.value')
    .whereRef('kv.run_uuid', '=', 'runs.run_uuid')
    .where('kv.key', '=', key.name);
}
