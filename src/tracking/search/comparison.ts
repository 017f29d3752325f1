/**
 * The typed AST of MLflow's search grammar. A filter is a list of comparisons joined by AND
 * (MLflow has no OR and no parentheses). Nothing here names a table or a run: runs,
 * experiments, logged models and registry entries all use it, each with its own key type.
 */

/** The kind of thing a key names; prefixes and their aliases (`metrics.`, `param.`...) resolve to one. */
export type EntityKind = 'attribute' | 'metric' | 'param' | 'tag' | 'dataset';

/** A resolved key: aliases are gone (`created` is `start_time`), quotes are removed. */
export interface SearchKey<E extends EntityKind = EntityKind, N extends string = string> {
  readonly entity: E;
  readonly name: N;
}

export const NUMBER_COMPARATORS = ['=', '!=', '>', '>=', '<', '<='] as const;
export const STRING_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE'] as const;
export const LIST_COMPARATORS = ['IN', 'NOT IN'] as const;
export const NULL_COMPARATORS = ['IS NULL', 'IS NOT NULL'] as const;

export type NumberComparator = (typeof NUMBER_COMPARATORS)[number];
export type StringComparator = (typeof STRING_COMPARATORS)[number];
export type ListComparator = (typeof LIST_COMPARATORS)[number];
export type NullComparator = (typeof NULL_COMPARATORS)[number];
export type Comparator = NumberComparator | StringComparator | ListComparator | NullComparator;

/** Every comparator the syntax knows, in the order error messages list them. */
export const COMPARATORS: readonly Comparator[] = [
  ...NUMBER_COMPARATORS,
  'LIKE',
  'ILIKE',
  ...LIST_COMPARATORS,
  ...NULL_COMPARATORS,
];

/**
 * One comparison. `type` says what the value is, which the grammar has already checked
 * against the key: a metric gets a number, a tag a string, `run_id IN (...)` a list.
 */
export type Comparison<K extends SearchKey = SearchKey> =
  | { readonly type: 'number'; readonly key: K; readonly op: NumberComparator; readonly value: number }
  | { readonly type: 'string'; readonly key: K; readonly op: StringComparator; readonly value: string }
  | { readonly type: 'list'; readonly key: K; readonly op: ListComparator; readonly values: readonly string[] }
  | { readonly type: 'null'; readonly key: K; readonly op: NullComparator };

/** One `order_by` item. */
export interface OrderKey<K extends SearchKey = SearchKey> {
  readonly key: K;
  readonly ascending: boolean;
}
