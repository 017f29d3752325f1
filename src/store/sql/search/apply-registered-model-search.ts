/**
 * `search_registered_models` filter and order_by, compiled onto `db.selectFrom('registered_models')`.
 * Tags are correlated EXISTS subqueries; prompts are left out unless the filter asks for them
 * (see prompt-filter). Ties are broken by name, as in MLflow.
 */
import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { IS_PROMPT_TAG, splitPromptFilter } from '../../../tracking/search/prompt-filter.js';
import {
  parseRegisteredModelFilter,
  parseRegisteredModelOrderBy,
  type RegisteredModelComparison,
} from '../../../tracking/search/registered-model-search.js';
import type { Database } from '../schema.js';
import { compareColumn } from './compare-column.js';
import { searchSqlDialect, type SearchDialectName, type SearchSqlDialect } from './search-sql-dialect.js';

export interface RegistrySearchOptions {
  filter?: string;
  orderBy?: readonly string[];
  dialect?: SearchDialectName;
}

type ModelsExpressionBuilder = ExpressionBuilder<Database, 'registered_models'>;

const COLUMNS = { name: 'registered_models.name', last_updated_timestamp: 'registered_models.last_updated_timestamp' } as const;

export function applyRegisteredModelSearch<O>(
  qb: SelectQueryBuilder<Database, 'registered_models', O>,
  options: RegistrySearchOptions,
): SelectQueryBuilder<Database, 'registered_models', O> {
  const dialect = searchSqlDialect(options.dialect);
  const { comparisons, excludePrompts } = splitPromptFilter(parseRegisteredModelFilter(options.filter));
  const order = parseRegisteredModelOrderBy(options.orderBy);
  const eb = expressionBuilder<Database, 'registered_models'>();
  const conditions = comparisons.map((c) => registeredModelCondition(eb, c, dialect));
  if (excludePrompts) conditions.push(eb.not(eb.exists(tags(eb, IS_PROMPT_TAG).where('t.value', '=', 'true'))));
  let query = conditions.length > 0 ? qb.where(eb.and(conditions)) : qb;
  for (const { key, ascending } of order) {
    if (key.entity === 'attribute') query = query.orderBy(COLUMNS[key.name], ascending ? 'asc' : 'desc');
  }
  if (!order.some(({ key }) => key.name === 'name')) query = query.orderBy('registered_models.name', 'asc');
  return query;
}

function registeredModelCondition(
  eb: ModelsExpressionBuilder,
  c: RegisteredModelComparison,
  dialect: SearchSqlDialect,
): Expression<SqlBool> {
  if (c.key.entity === 'attribute') return compareColumn(eb.ref(COLUMNS[c.key.name]), c, dialect);
  return eb.exists(tags(eb, c.key.name).where((t) => compareColumn(t.ref('t.value'), c, dialect)));
}

function tags(eb: ModelsExpressionBuilder, key: string) {
  return eb
    .selectFrom('registered_model_tags as t')
    .select(sql.lit(1).as('found'))
    .whereRef('t.registered_model_id', '=', 'registered_models.registered_model_id')
    .where('t.key', '=', key);
}
