/**
 * MLflow's run order as ORDER BY terms. Each key sorts missing values last whatever the
 * direction; a metric also puts NaN after every number but before missing values, as MLflow's
 * SQL store does. Then come MLflow's tie-breakers: start_time DESC (unless start_time was
 * named) and run_uuid. Metric, param and tag values are correlated scalar subqueries, which
 * keeps one row per run and leaves the store's selected columns alone.
 */
import { sql } from 'kysely';
import type { RunOrderKey } from '../../../tracking/search/run-search.js';
import { missingLast, type OrderTerm } from './order-term.js';
import { RUN_COLUMNS, type RunsExpressionBuilder } from './run-condition.js';

export function runOrderTerms(eb: RunsExpressionBuilder, keys: readonly RunOrderKey[]): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const { key, ascending } of keys) {
    const direction = ascending ? 'asc' : 'desc';
    switch (key.entity) {
      case 'attribute': {
        // end_time is the only run attribute that can be missing.
        const column = eb.ref(RUN_COLUMNS[key.name]);
        if (key.name === 'end_time') terms.push({ expr: missingLast(column), direction: 'asc' });
        terms.push({ expr: column, direction });
        break;
      }
      case 'metric': {
        const latest = (column: 'lm.value' | 'lm.is_nan') =>
          eb
            .selectFrom('latest_metrics as lm')
            .select(column)
            .whereRef('lm.run_uuid', '=', 'runs.run_uuid')
            .where('lm.key', '=', key.name);
        // 0: a number, 1: NaN, 2: no such metric.
        terms.push({ expr: sql`coalesce(${latest('lm.is_nan')}, 2)`, direction: 'asc' });
        terms.push({ expr: latest('lm.value'), direction });
        break;
      }
      case 'param':
      case 'tag': {
        const value = eb
          .selectFrom(key.entity === 'param' ? 'run_params as kv' : 'run_tags as kv')
          .select('kv.value')
          .whereRef('kv.run_uuid', '=', 'runs.run_uuid')
          .where('kv.key', '=', key.name);
        terms.push({ expr: missingLast(value), direction: 'asc' }, { expr: value, direction });
        break;
      }
      case 'dataset':
        // The grammar refuses to order by datasets; nothing to add.
        break;
    }
  }
  if (!keys.some(({ key }) => key.entity === 'attribute' && key.name === 'start_time')) {
    terms.push({ expr: eb.ref('runs.start_time'), direction: 'desc' });
  }
  terms.push({ expr: eb.ref('runs.run_uuid'), direction: 'asc' });
  return terms;
}
