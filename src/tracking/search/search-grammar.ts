/**
 * What one searchable entity (runs, experiments, logged models, and later registered models
 * and versions) accepts: its key prefixes, its keys, the comparators and the value type of
 * each. A grammar is plain data; resolve-filter and resolve-order-by apply it.
 */
import type { Comparator, EntityKind } from './comparison.js';

/**
 * 'string': a quoted string. 'number': a number literal. 'integer': a number literal whose value
 * is whole. 'whole': the same, or a quoted whole number (`version_number = '3'`, as MLflow's
 * registry reads it).
 */
export type ValueKind = 'string' | 'number' | 'integer' | 'whole';

export interface KeySpec {
  /** The name the AST carries; aliases such as `created` say `start_time` here. */
  readonly canonical?: string;
  readonly value: ValueKind;
  /** Comparators allowed; IN and NOT IN among them mean the key takes a list. */
  readonly comparators: readonly Comparator[];
  /** A further check of each string value; returns MLflow's message when the value is refused. */
  readonly check?: (value: string) => string | undefined;
}

export interface EntitySpec {
  /** The fixed keys of this entity (attributes, dataset fields); absent when any key is allowed. */
  readonly keys?: Readonly<Record<string, KeySpec>>;
  /** The spec of every key, when any key is allowed (metrics, params, tags). */
  readonly anyKey?: KeySpec;
  /** Whether `order_by` may name keys of this entity. */
  readonly orderable: boolean;
}

export interface SearchGrammar {
  /** Prefix as written (MLflow matches them case-sensitively) -> entity. A key without prefix is an attribute. */
  readonly prefixes: Readonly<Record<string, EntityKind>>;
  /** The prefixes MLflow's error messages list as valid. */
  readonly prefixNames: readonly string[];
  readonly entities: Readonly<Partial<Record<EntityKind, EntitySpec>>>;
}
