/**
 * The grammar of `search_experiments` (MLflow's SearchExperimentsUtils and its SQL store):
 * attributes name, experiment_id, creation_time, last_update_time, and tags. Only `attribute`,
 * `tag` and `tags` are prefixes here, as in MLflow. Order is by attributes only.
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

export type ExperimentAttribute = 'name' | 'experiment_id' | 'creation_time' | 'last_update_time';
export type ExperimentKey = SearchKey<'attribute', ExperimentAttribute> | SearchKey<'tag', string>;
export type ExperimentComparison = Comparison<ExperimentKey>;
export type ExperimentOrderKey = OrderKey<ExperimentKey>;

/** MLflow stores experiment ids as integers and refuses any other id in a filter. */
function checkExperimentId(value: string): string | undefined {
  return /^\s*[-+]?\d+\s*$/.test(value)
    ? undefined
    : `Invalid experiment ID '${value}'. Experiment ID must be a valid integer.`;
}

const time: KeySpec = { value: 'integer', comparators: NUMBER_COMPARATORS };

export const EXPERIMENT_GRAMMAR: SearchGrammar = {
  prefixes: { attribute: 'attribute', tag: 'tag', tags: 'tag' },
  prefixNames: ['attribute', 'tag', 'tags'],
  entities: {
    attribute: {
      orderable: true,
      keys: {
        name: { value: 'string', comparators: STRING_COMPARATORS },
        experiment_id: { value: 'string', comparators: ['=', '!=', ...LIST_COMPARATORS], check: checkExperimentId },
        creation_time: time,
        last_update_time: time,
      },
    },
    tag: { orderable: false, anyKey: { value: 'string', comparators: [...STRING_COMPARATORS, ...NULL_COMPARATORS] } },
  },
};

/** MLflow's order when a search gives none. */
export const DEFAULT_EXPERIMENT_ORDER: readonly string[] = ['creation_time DESC', 'experiment_id ASC'];

export function parseExperimentFilter(filter: string | undefined): ExperimentComparison[] {
  return resolveFilter(EXPERIMENT_GRAMMAR, filter) as ExperimentComparison[];
}

/** The `order_by` list, or MLflow's default when it is empty; the SQL side adds the experiment_id tie-breaker. */
export function parseExperimentOrderBy(orderBy: readonly string[] | undefined): ExperimentOrderKey[] {
  const clauses = orderBy && orderBy.length > 0 ? orderBy : DEFAULT_EXPERIMENT_ORDER;
  return resolveOrderByList(EXPERIMENT_GRAMMAR, clauses) as ExperimentOrderKey[];
}
