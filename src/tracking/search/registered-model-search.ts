/**
 * The grammar of `search_registered_models`, as MLflow's registry SQL store reads it: the
 * attribute `name` (lists allowed) and tags. Its `order_by` takes bare keys only: `name`,
 * `timestamp` or `last_updated_timestamp` (both the last update time), with ties broken by name.
 */
import { LIST_COMPARATORS, STRING_COMPARATORS, type Comparison, type OrderKey, type SearchKey } from './comparison.js';
import { resolveFilter } from './resolve-filter.js';
import { resolveOrderByList } from './resolve-order-by.js';
import type { SearchGrammar } from './search-grammar.js';

export type RegisteredModelAttribute = 'name' | 'last_updated_timestamp';
export type RegisteredModelKey = SearchKey<'attribute', RegisteredModelAttribute> | SearchKey<'tag', string>;
export type RegisteredModelComparison = Comparison<RegisteredModelKey>;
export type RegisteredModelOrderKey = OrderKey<RegisteredModelKey>;

export const REGISTERED_MODEL_GRAMMAR: SearchGrammar = {
  prefixes: { attribute: 'attribute', tag: 'tag', tags: 'tag' },
  prefixNames: ['attribute', 'tag', 'tags'],
  entities: {
    attribute: { orderable: true, keys: { name: { value: 'string', comparators: [...STRING_COMPARATORS, ...LIST_COMPARATORS] } } },
    tag: { orderable: false, anyKey: { value: 'string', comparators: STRING_COMPARATORS } },
  },
};

/** MLflow orders registered models by these bare keys only. */
const ORDER_GRAMMAR: SearchGrammar = {
  prefixes: {},
  prefixNames: [],
  entities: {
    attribute: {
      orderable: true,
      keys: {
        name: { value: 'string', comparators: [] },
        timestamp: { canonical: 'last_updated_timestamp', value: 'number', comparators: [] },
        last_updated_timestamp: { value: 'number', comparators: [] },
      },
    },
  },
};

export function parseRegisteredModelFilter(filter: string | undefined): RegisteredModelComparison[] {
  return resolveFilter(REGISTERED_MODEL_GRAMMAR, filter) as RegisteredModelComparison[];
}

/** The `order_by` list, without the name tie-breaker (the SQL side adds it). */
export function parseRegisteredModelOrderBy(orderBy: readonly string[] | undefined): RegisteredModelOrderKey[] {
  return resolveOrderByList(ORDER_GRAMMAR, orderBy) as RegisteredModelOrderKey[];
}
