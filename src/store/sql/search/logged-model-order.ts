/**
 * MLflow's logged-model order as ORDER BY terms: missing values last in both directions; a
 * metric sorts by its latest value (newest timestamp, then step, then run id, as MLflow's SQL
 * store picks it), on the given dataset if any, NaN after numbers. Tie-breakers:
 * creation_timestamp DESC and model_id ASC, each unless already named.
 */
import { sql } from 'kysely';
import type { LoggedModelOrderKey } from '../../../tracking/search/logged-model-search.js';
import { LOGGED_MODEL_COLUMNS, onDatasets, type ModelsExpressionBuilder } from './logged-model-condition.js';
import { statusCode } from './logged-model-status.js';
import { missingLast, type OrderTerm } from './order-term.js';

export function loggedModelOrderTerms(eb: ModelsExpressionBuilder, keys: readonly LoggedModelOrderKey[]): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const { key, ascending, dataset } of keys) {
    const direction = ascending ? 'asc' : 'desc';
    if (key.entity === 'attribute') {
      const column = eb.ref(LOGGED_MODEL_COLUMNS[key.name]);
      const value = key.name === 'status' ? statusCode(column) : column;
      terms.push({ expr: missingLast(value), direction: 'asc' }, { expr: value, direction });
    } else if (key.entity === 'metric') {
      const latest = (column: 'value' | 'is_nan') => {
        const rows = eb
          .selectFrom('logged_model_metrics')
          .select(`logged_model_metrics.${column}`)
          .whereRef('logged_model_metrics.model_id', '=', 'logged_models.model_id')
          .where('logged_model_metrics.key', '=', key.name);
        return (dataset ? rows.where((m) => onDatasets(m, [dataset])) : rows)
          .orderBy('logged_model_metrics.timestamp', 'desc')
          .orderBy('logged_model_metrics.step', 'desc')
          .orderBy('logged_model_metrics.run_id', 'asc')
          .limit(1);
      };
      // 0: a number, 1: NaN, 2: no such metric.
      terms.push({ expr: sql`coalesce(${latest('is_nan')}, 2)`, direction: 'asc' }, { expr: latest('value'), direction });
    }
  }
  const named = (name: string) => keys.some(({ key }) => key.entity === 'attribute' && key.name === name);
  if (!named('creation_timestamp')) terms.push({ expr: eb.ref('logged_models.creation_timestamp_ms'), direction: 'desc' });
  if (!named('model_id')) terms.push({ expr: eb.ref('logged_models.model_id'), direction: 'asc' });
  return terms;
}
