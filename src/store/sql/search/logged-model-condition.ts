/**
 * A `search_logged_models` comparison as a WHERE condition on `logged_models`. As in MLflow's
 * SQL store, a metric comparison holds when any logged value of the metric matches (restricted
 * to the searched datasets, if any); NaN values are handled as for runs.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DatasetRef, LoggedModelAttribute, LoggedModelComparison } from '../../../tracking/search/logged-model-search.js';
import type { Database } from '../schema.js';
import { compareColumn, compareMetric } from './compare-column.js';
import { normalizeStatus, statusName } from './logged-model-status.js';
import type { SearchSqlDialect } from './search-sql-dialect.js';

export type ModelsExpressionBuilder = ExpressionBuilder<Database, 'logged_models'>;
type MetricsExpressionBuilder = ExpressionBuilder<Database, 'logged_models' | 'logged_model_metrics'>;

export const LOGGED_MODEL_COLUMNS = {
  name: 'logged_models.name',
  model_id: 'logged_models.model_id',
  model_type: 'logged_models.model_type',
  status: 'logged_models.status',
  source_run_id: 'logged_models.source_run_id',
  creation_timestamp: 'logged_models.creation_timestamp_ms',
  last_updated_timestamp: 'logged_models.last_updated_timestamp_ms',
} as const satisfies Record<LoggedModelAttribute, `logged_models.${string}`>;

export function loggedModelCondition(
  eb: ModelsExpressionBuilder,
  c: LoggedModelComparison,
  datasets: readonly DatasetRef[],
  dialect: SearchSqlDialect,
): Expression<SqlBool> {
  const { key } = c;
  switch (key.entity) {
    case 'attribute':
      if (key.name === 'status') return compareColumn(statusName(eb.ref(LOGGED_MODEL_COLUMNS.status)), normalized(c), dialect);
      return compareColumn(eb.ref(LOGGED_MODEL_COLUMNS[key.name]), c, dialect);
    case 'metric': {
      const values = eb
        .selectFrom('logged_model_metrics')
        .select(sql.lit(1).as('found'))
        .whereRef('logged_model_metrics.model_id', '=', 'logged_models.model_id')
        .where('logged_model_metrics.key', '=', key.name)
        .where((m) => compareMetric(m.ref('logged_model_metrics.value'), m.ref('logged_model_metrics.is_nan'), c, dialect));
      return eb.exists(datasets.length > 0 ? values.where((m) => onDatasets(m, datasets)) : values);
    }
    case 'param':
    case 'tag':
      return eb.exists(
        eb
          .selectFrom(key.entity === 'param' ? 'logged_model_params as kv' : 'logged_model_tags as kv')
          .select(sql.lit(1).as('found'))
          .whereRef('kv.model_id', '=', 'logged_models.model_id')
          .where('kv.key', '=', key.name)
          .where((kv) => compareColumn(kv.ref('kv.value'), c, dialect)),
      );
  }
}

/** Models with some metric on one of the datasets: what a dataset restriction alone asks for. */
export function hasMetricOnDatasets(eb: ModelsExpressionBuilder, datasets: readonly DatasetRef[]): Expression<SqlBool> {
  return eb.exists(
    eb
      .selectFrom('logged_model_metrics')
      .select(sql.lit(1).as('found'))
      .whereRef('logged_model_metrics.model_id', '=', 'logged_models.model_id')
      .where((m) => onDatasets(m, datasets)),
  );
}

/** The metric row was measured on one of the (one or more) datasets. */
export function onDatasets(m: MetricsExpressionBuilder, datasets: readonly DatasetRef[]): Expression<SqlBool> {
  return m.or(
    datasets.map((d) =>
      d.digest === undefined
        ? m('logged_model_metrics.dataset_name', '=', d.name)
        : m.and([m('logged_model_metrics.dataset_name', '=', d.name), m('logged_model_metrics.dataset_digest', '=', d.digest)]),
    ),
  );
}

function normalized(c: LoggedModelComparison): LoggedModelComparison {
  if (c.type === 'string' && (c.op === '=' || c.op === '!=')) return { ...c, value: normalizeStatus(c.value) };
  if (c.type === 'list') return { ...c, values: c.values.map(normalizeStatus) };
  return c;
}
