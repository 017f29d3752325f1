/**
 * The grammar of `search_logged_models`, as MLflow's SQL store reads it
 * (mlflow/utils/search_logged_model_utils.py): attributes, metrics, params and tags; every
 * string key takes IN lists; no IS NULL. Its `order_by` is a list of objects, not strings:
 * an attribute, or `metrics.<name>` optionally measured on one dataset.
 */
import {
  LIST_COMPARATORS,
  NUMBER_COMPARATORS,
  STRING_COMPARATORS,
  type Comparison,
  type OrderKey,
  type SearchKey,
} from './comparison.js';
import { MlflowError } from '../../common/mlflow-error.js';
import { resolveFilter } from './resolve-filter.js';
import type { KeySpec, SearchGrammar } from './search-grammar.js';

export type LoggedModelAttribute =
  | 'name'
  | 'model_id'
  | 'model_type'
  | 'status'
  | 'source_run_id'
  | 'creation_timestamp'
  | 'last_updated_timestamp';
export type LoggedModelKey = SearchKey<'attribute', LoggedModelAttribute> | SearchKey<'metric' | 'param' | 'tag', string>;
export type LoggedModelComparison = Comparison<LoggedModelKey>;

/** A dataset a metric was measured on; no digest means any digest. */
export interface DatasetRef {
  readonly name: string;
  readonly digest?: string;
}

export interface LoggedModelOrderKey extends OrderKey<LoggedModelKey> {
  /** For a metric key: the dataset whose value counts. */
  readonly dataset?: DatasetRef;
}

/** `order_by` and `datasets` items as the API receives them. */
export interface LoggedModelOrderByInput {
  field_name?: string;
  ascending?: boolean;
  dataset_name?: string;
  dataset_digest?: string;
}
export interface LoggedModelDatasetInput {
  dataset_name?: string;
  dataset_digest?: string;
}

const text: KeySpec = { value: 'string', comparators: [...STRING_COMPARATORS, ...LIST_COMPARATORS] };
const time = (canonical?: LoggedModelAttribute): KeySpec => ({ canonical, value: 'number', comparators: NUMBER_COMPARATORS });
const ATTRIBUTES: Readonly<Record<string, KeySpec>> = {
  name: text,
  model_id: text,
  model_type: text,
  status: text,
  source_run_id: text,
  creation_timestamp: time(),
  creation_time: time('creation_timestamp'),
  last_updated_timestamp: time(),
  last_updated_time: time('last_updated_timestamp'),
};

export const LOGGED_MODEL_GRAMMAR: SearchGrammar = {
  prefixes: {
    attribute: 'attribute',
    attributes: 'attribute',
    attr: 'attribute',
    metric: 'metric',
    metrics: 'metric',
    param: 'param',
    params: 'param',
    parameter: 'param',
    parameters: 'param',
    tag: 'tag',
    tags: 'tag',
  },
  prefixNames: ['attributes', 'metrics', 'params', 'tags'],
  entities: {
    attribute: { orderable: true, keys: ATTRIBUTES },
    metric: { orderable: true, anyKey: { value: 'number', comparators: NUMBER_COMPARATORS } },
    param: { orderable: false, anyKey: text },
    tag: { orderable: false, anyKey: text },
  },
};

export function parseLoggedModelFilter(filter: string | undefined): LoggedModelComparison[] {
  return resolveFilter(LOGGED_MODEL_GRAMMAR, filter) as LoggedModelComparison[];
}

export function parseLoggedModelOrderBy(items: readonly LoggedModelOrderByInput[] | undefined): LoggedModelOrderKey[] {
  return (items ?? []).map((item) => {
    const field = item.field_name;
    if (field === undefined || field === null) {
      throw MlflowError.invalid('`field_name` in the `order_by` clause must be specified.');
    }
    const ascending = item.ascending ?? true;
    if (typeof ascending !== 'boolean') {
      throw MlflowError.invalid(
        `Value of \`ascending\` in the \`order_by\` clause must be a boolean, got ${typeof ascending} for field ${field}.`,
      );
    }
    if (item.dataset_digest && !item.dataset_name) {
      throw MlflowError.invalid('`dataset_digest` can only be specified if `dataset_name` is also specified.');
    }
    const dot = field.indexOf('.');
    if (dot >= 0) {
      const entity = field.slice(0, dot);
      if (entity !== 'metrics') {
        throw MlflowError.invalid(`Invalid order by field name: ${entity}, only \`metrics.<name>\` is allowed.`);
      }
      const dataset = item.dataset_name ? { name: item.dataset_name, digest: item.dataset_digest || undefined } : undefined;
      return { key: { entity: 'metric', name: unquote(field.slice(dot + 1)) }, ascending, dataset };
    }
    const spec = Object.hasOwn(ATTRIBUTES, field.trim()) ? ATTRIBUTES[field.trim()] : undefined;
    if (!spec) throw MlflowError.invalid(`Invalid order by field name: ${field}.`);
    const name = (spec.canonical ?? field.trim()) as LoggedModelAttribute;
    return { key: { entity: 'attribute', name }, ascending };
  });
}

/**
 * Most datasets one search may name. Each metric comparison repeats them all, OR-ed, with their
 * names and digests as bound parameters: 200 comparisons on 100 datasets went past SQLite's
 * 32,766 parameters, on 50 took SQLite 10 s to prepare, on 10 a third of a second.
 */
export const MAX_SEARCH_DATASETS = 10;

/** The `datasets` restriction of a search; each needs a name. */
export function parseLoggedModelDatasets(items: readonly LoggedModelDatasetInput[] | undefined): DatasetRef[] {
  if (items && items.length > MAX_SEARCH_DATASETS) {
    throw MlflowError.invalid(`The \`datasets\` clause names ${items.length} datasets; at most ${MAX_SEARCH_DATASETS} are allowed.`);
  }
  return (items ?? []).map((d) => {
    if (!d.dataset_name) throw MlflowError.invalid('`dataset_name` in the `datasets` clause must be specified.');
    return { name: d.dataset_name, digest: d.dataset_digest || undefined };
  });
}

function unquote(name: string): string {
  return name.length >= 2 && name.startsWith('`') && name.endsWith('`') ? name.slice(1, -1) : name;
}
