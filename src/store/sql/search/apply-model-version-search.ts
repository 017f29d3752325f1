/**
 * `search_model_versions` filter and order_by, compiled onto the store's query of
 * `model_versions` inner-joined to `registered_models` (whose `name` the `name` key compares).
 * Tags are correlated EXISTS subqueries; versions of prompts are left out unless the filter
 * asks for them (see prompt-filter). Ties: name ASC, then version DESC, as in MLflow.
 */
import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import {
  parseModelVersionFilter,
  parseModelVersionOrderBy,
  type ModelVersionAttribute,
  type ModelVersionComparison,
} from '../../../tracking/search/model-version-search.js';
import { IS_PROMPT_TAG, splitPromptFilter } from '../../../tracking/search/prompt-filter.js';
import type { Database } from '../schema.js';
import { compareColumn } from './compare-column.js';
import type { RegistrySearchOptions } from './apply-registered-model-search.js';
import { searchSqlDialect, type SearchSqlDialect } from './search-sql-dialect.js';

type VersionTables = 'model_versions' | 'registered_models';
type VersionsExpressionBuilder = ExpressionBuilder<Database, VersionTables>;

const COLUMNS = {
  name: 'registered_models.name',
  version_number: 'model_versions.version',
  run_id: 'model_versions.run_id',
  source_path: 'model_versions.source',
  creation_timestamp: 'model_versions.creation_timestamp',
  last_updated_timestamp: 'model_versions.last_updated_timestamp',
} as const satisfies Record<ModelVersionAttribute, string>;

export function applyModelVersionSearch<O>(
  qb: SelectQueryBuilder<Database, VersionTables, O>,
  options: RegistrySearchOptions,
): SelectQueryBuilder<Database, VersionTables, O> {
  const dialect = searchSqlDialect(options.dialect);
  const { comparisons, excludePrompts } = splitPromptFilter(parseModelVersionFilter(options.filter));
  const order = parseModelVersionOrderBy(options.orderBy);
  const eb = expressionBuilder<Database, VersionTables>();
  const conditions = comparisons.map((c) => versionCondition(eb, c, dialect));
  if (excludePrompts) {
    // MLflow leaves out every version of a model any of whose versions is tagged as a prompt.
    const promptTags = eb
      .selectFrom('model_version_tags as t')
      .select(sql.lit(1).as('found'))
      .whereRef('t.registered_model_id', '=', 'model_versions.registered_model_id')
      .where('t.key', '=', IS_PROMPT_TAG)
      .where('t.value', '=', 'true');
    conditions.push(eb.not(eb.exists(promptTags)));
  }
  let query = conditions.length > 0 ? qb.where(eb.and(conditions)) : qb;
  for (const { key, ascending } of order) {
    if (key.entity === 'attribute') query = query.orderBy(COLUMNS[key.name], ascending ? 'asc' : 'desc');
  }
  const named = (name: string) => order.some(({ key }) => key.name === name);
  if (!named('name')) query = query.orderBy('registered_models.name', 'asc');
  if (!named('version_number')) query = query.orderBy('model_versions.version', 'desc');
  return query;
}

function versionCondition(eb: VersionsExpressionBuilder, c: ModelVersionComparison, dialect: SearchSqlDialect): Expression<SqlBool> {
  if (c.key.entity === 'attribute') return compareColumn(eb.ref(COLUMNS[c.key.name]), c, dialect);
  const tags = eb
    .selectFrom('model_version_tags as t')
    .select(sql.lit(1).as('found'))
    .whereRef('t.registered_model_id', '=', 'model_versions.registered_model_id')
    .whereRef('t.version', '=', 'model_versions.version')
    .where('t.key', '=', c.key.name);
  return eb.exists(tags.where((t) => compareColumn(t.ref('t.value'), c, dialect)));
}
