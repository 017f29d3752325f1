/**
 * `search_logged_models` filter, dataset restriction and order_by, compiled onto
 * `db.selectFrom('logged_models')`. With datasets and no metric comparison, a model must have
 * some metric on one of the datasets, as in MLflow. The store applies experiment ids,
 * lifecycle, limit and offset.
 */
import { expressionBuilder, type SelectQueryBuilder } from 'kysely';
import {
  parseLoggedModelDatasets,
  parseLoggedModelFilter,
  parseLoggedModelOrderBy,
  type LoggedModelDatasetInput,
  type LoggedModelOrderByInput,
} from '../../../tracking/search/logged-model-search.js';
import type { Database } from '../schema.js';
import { hasMetricOnDatasets, loggedModelCondition } from './logged-model-condition.js';
import { loggedModelOrderTerms } from './logged-model-order.js';
import { searchSqlDialect, type SearchDialectName } from './search-sql-dialect.js';

export interface LoggedModelSearchOptions {
  filter?: string;
  orderBy?: readonly LoggedModelOrderByInput[];
  datasets?: readonly LoggedModelDatasetInput[];
  dialect?: SearchDialectName;
}

export function applyLoggedModelSearch<O>(
  qb: SelectQueryBuilder<Database, 'logged_models', O>,
  options: LoggedModelSearchOptions,
): SelectQueryBuilder<Database, 'logged_models', O> {
  const dialect = searchSqlDialect(options.dialect);
  const datasets = parseLoggedModelDatasets(options.datasets);
  const comparisons = parseLoggedModelFilter(options.filter);
  const order = parseLoggedModelOrderBy(options.orderBy);
  const eb = expressionBuilder<Database, 'logged_models'>();
  const conditions = comparisons.map((c) => loggedModelCondition(eb, c, datasets, dialect));
  if (datasets.length > 0 && !comparisons.some((c) => c.key.entity === 'metric')) conditions.push(hasMetricOnDatasets(eb, datasets));
  let query = qb;
  if (conditions.length > 0) query = query.where(eb.and(conditions));
  for (const term of loggedModelOrderTerms(eb, order)) query = query.orderBy(term.expr, term.direction);
  return query;
}
