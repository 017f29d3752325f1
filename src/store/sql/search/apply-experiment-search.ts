/**
 * `search_experiments` filter and order_by, compiled onto `db.selectFrom('experiments')`.
 * Tags are correlated EXISTS subqueries; experiment ids, parsed as integers by the grammar, are
 * compared as numbers. Order: MLflow's (creation_time DESC, experiment_id ASC) by default,
 * and experiment_id DESC as tie-breaker when an order names no experiment_id.
 */
import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import {
  parseExperimentFilter,
  parseExperimentOrderBy,
  type ExperimentComparison,
} from '../../../tracking/search/experiment-search.js';
import type { Database } from '../schema.js';
import { compareColumn } from './compare-column.js';
import { searchSqlDialect, type SearchDialectName, type SearchSqlDialect } from './search-sql-dialect.js';

export interface ExperimentSearchOptions {
  filter?: string;
  orderBy?: readonly string[];
  dialect?: SearchDialectName;
}

type ExperimentsExpressionBuilder = ExpressionBuilder<Database, 'experiments'>;

const COLUMNS = {
  name: 'experiments.name',
  experiment_id: 'experiments.experiment_id',
  creation_time: 'experiments.creation_time',
  last_update_time: 'experiments.last_update_time',
} as const;

export function applyExperimentSearch<O>(
  qb: SelectQueryBuilder<Database, 'experiments', O>,
  options: ExperimentSearchOptions,
): SelectQueryBuilder<Database, 'experiments', O> {
  const dialect = searchSqlDialect(options.dialect);
  const comparisons = parseExperimentFilter(options.filter);
  const order = parseExperimentOrderBy(options.orderBy);
  const eb = expressionBuilder<Database, 'experiments'>();
  let query = qb;
  if (comparisons.length > 0) query = query.where(eb.and(comparisons.map((c) => experimentCondition(eb, c, dialect))));
  for (const { key, ascending } of order) {
    // The grammar orders experiments by attributes only.
    if (key.entity === 'attribute') query = query.orderBy(COLUMNS[key.name], ascending ? 'asc' : 'desc');
  }
  if (!order.some(({ key }) => key.name === 'experiment_id')) query = query.orderBy('experiments.experiment_id', 'desc');
  return query;
}

function experimentCondition(
  eb: ExperimentsExpressionBuilder,
  c: ExperimentComparison,
  dialect: SearchSqlDialect,
): Expression<SqlBool> {
  const { key } = c;
  if (key.entity === 'attribute') {
    const column = eb.ref(COLUMNS[key.name]);
    if (key.name !== 'experiment_id') return compareColumn(column, c, dialect);
    if (c.type === 'string') return compareColumn(column, { type: 'number', key, op: c.op === '!=' ? '!=' : '=', value: Number(c.value) }, dialect);
    if (c.type === 'list') {
      const ids = c.values.map((id) => dialect.number(Number(id)));
      return sql<SqlBool>`(${column} ${sql.raw(c.op === 'IN' ? 'IN' : 'NOT IN')} (${sql.join(ids)}))`;
    }
    return compareColumn(column, c, dialect);
  }
  const tags = eb
    .selectFrom('experiment_tags as et')
    .select(sql.lit(1).as('found'))
    .whereRef('et.experiment_id', '=', 'experiments.experiment_id')
    .where('et.key', '=', key.name);
  if (c.type === 'null') return c.op === 'IS NULL' ? eb.not(eb.exists(tags)) : eb.exists(tags);
  return eb.exists(tags.where((t) => compareColumn(t.ref('et.value'), c, dialect)));
}
