/**
 * The grammar of `search_model_versions` (MLflow's SearchModelVersionUtils and registry SQL
 * store): attributes `name` (the registered model's), `version_number`, `run_id`,
 * `source_path`, and tags; lists for name and run_id only. Order by name, version_number,
 * creation_timestamp or last_updated_timestamp; MLflow's default order applies when none is given.
 */
import {
  LIST_COMPARATORS,
  NUMBER_COMPARATORS,
  STRING_COMPARATORS,
  type Comparison,
  type OrderKey,
  type SearchKey,
} from './comparison.js';
import { resolveFilter } from './resolve-filter.js';
import { resolveOrderByList } from './resolve-order-by.js';
import type { KeySpec, SearchGrammar } from './search-grammar.js';

export type ModelVersionAttribute = 'name' | 'version_number' | 'run_id' | 'source_path' | 'creation_timestamp' | 'last_updated_timestamp';
export type ModelVersionKey = SearchKey<'attribute', ModelVersionAttribute> | SearchKey<'tag', string>;
export type ModelVersionComparison = Comparison<ModelVersionKey>;
export type ModelVersionOrderKey = OrderKey<ModelVersionKey>;

const listable: KeySpec = { value: 'string', comparators: [...STRING_COMPARATORS, ...LIST_COMPARATORS] };
const orderOnly: KeySpec = { value: 'number', comparators: [] };

export const MODEL_VERSION_GRAMMAR: SearchGrammar = {
  prefixes: { attribute: 'attribute', tag: 'tag', tags: 'tag' },
  prefixNames: ['attribute', 'tag', 'tags'],
  entities: {
    attribute: {
      orderable: true,
      keys: {
        name: listable,
        version_number: { value: 'whole', comparators: NUMBER_COMPARATORS },
        run_id: listable,
        source_path: { value: 'string', comparators: STRING_COMPARATORS },
      },
    },
    tag: { orderable: false, anyKey: { value: 'string', comparators: STRING_COMPARATORS } },
  },
};

/** Ordering also knows the timestamps, which filters do not. */
const ORDER_GRAMMAR: SearchGrammar = {
  ...MODEL_VERSION_GRAMMAR,
  entities: {
    ...MODEL_VERSION_GRAMMAR.entities,
    attribute: {
      orderable: true,
      keys: { name: orderOnly, version_number: orderOnly, creation_timestamp: orderOnly, last_updated_timestamp: orderOnly },
    },
  },
};

/** MLflow's order when a search gives none. */
export const DEFAULT_MODEL_VERSION_ORDER: readonly string[] = ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];

export function parseModelVersionFilter(filter: string | undefined): ModelVersionComparison[] {
  return resolveFilter(MODEL_VERSION_GRAMMAR, filter) as ModelVersionComparison[];
}

/** The `order_by` list, or MLflow's default; the SQL side adds the name and version tie-breakers. */
export function parseModelVersionOrderBy(orderBy: readonly string[] | undefined): ModelVersionOrderKey[] {
  const clauses = orderBy && orderBy.length > 0 ? orderBy : DEFAULT_MODEL_VERSION_ORDER;
  return resolveOrderByList(ORDER_GRAMMAR, clauses) as ModelVersionOrderKey[];
}
