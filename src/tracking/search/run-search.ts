/**
 * The grammar of `search_runs` (MLflow's SearchUtils): metrics, params, tags, run attributes and
 * the datasets a run used, each with its aliases. Attribute aliases resolve here, so the SQL side
 * sees only the canonical names of RunAttribute.
 */
import {
  LIST_COMPARATORS,
  NULL_COMPARATORS,
  NUMBER_COMPARATORS,
  STRING_COMPARATORS,
  type Comparison,
  type OrderKey,
  type SearchKey,
} from './comparison.js';
import { resolveFilter } from './resolve-filter.js';
import { resolveOrderByList } from './resolve-order-by.js';
import type { KeySpec, SearchGrammar } from './search-grammar.js';

export type RunAttribute = 'run_id' | 'run_name' | 'user_id' | 'status' | 'artifact_uri' | 'start_time' | 'end_time';
export type DatasetField = 'name' | 'digest' | 'context';

export type RunKey =
  | SearchKey<'attribute', RunAttribute>
  | SearchKey<'metric' | 'param' | 'tag', string>
  | SearchKey<'dataset', DatasetField>;

export type RunComparison = Comparison<RunKey>;
export type RunOrderKey = OrderKey<RunKey>;

const text = (canonical?: RunAttribute): KeySpec => ({ canonical, value: 'string', comparators: STRING_COMPARATORS });
const time = (canonical?: RunAttribute): KeySpec => ({ canonical, value: 'number', comparators: NUMBER_COMPARATORS });
const listable: KeySpec = { value: 'string', comparators: [...STRING_COMPARATORS, ...LIST_COMPARATORS] };

export const RUN_GRAMMAR: SearchGrammar = {
  prefixes: {
    metric: 'metric',
    metrics: 'metric',
    parameter: 'param',
    parameters: 'param',
    param: 'param',
    params: 'param',
    tag: 'tag',
    tags: 'tag',
    attribute: 'attribute',
    attributes: 'attribute',
    attr: 'attribute',
    run: 'attribute',
    dataset: 'dataset',
    datasets: 'dataset',
  },
  prefixNames: ['metric', 'parameter', 'tag', 'attribute', 'dataset'],
  entities: {
    attribute: {
      orderable: true,
      // MLflow 3.x searches exactly these (RunInfo's searchable attributes, plus aliases).
      keys: {
        run_id: listable,
        run_name: text(),
        'run name': text('run_name'),
        'Run name': text('run_name'),
        'Run Name': text('run_name'),
        user_id: text(),
        status: text(),
        artifact_uri: text(),
        start_time: time(),
        created: time('start_time'),
        Created: time('start_time'),
        end_time: time(),
      },
    },
    metric: { orderable: true, anyKey: { value: 'number', comparators: NUMBER_COMPARATORS } },
    param: { orderable: true, anyKey: { value: 'string', comparators: [...STRING_COMPARATORS, ...NULL_COMPARATORS] } },
    tag: { orderable: true, anyKey: { value: 'string', comparators: [...STRING_COMPARATORS, ...NULL_COMPARATORS] } },
    dataset: { orderable: false, keys: { name: listable, digest: listable, context: listable } },
  },
};

/** The AND-ed comparisons of a `search_runs` filter. */
export function parseRunFilter(filter: string | undefined): RunComparison[] {
  // The grammar admits exactly the names RunKey lists, so the narrowing holds.
  return resolveFilter(RUN_GRAMMAR, filter) as RunComparison[];
}

/** The `order_by` list of `search_runs`, without MLflow's tie-breakers (the SQL side adds them). */
export function parseRunOrderBy(orderBy: readonly string[] | undefined): RunOrderKey[] {
  return resolveOrderByList(RUN_GRAMMAR, orderBy) as RunOrderKey[];
}
