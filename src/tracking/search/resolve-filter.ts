/**
 * Parses a filter and checks it against a grammar: each key must exist, each comparator be
 * allowed for its key and each value be of its key's type. The result is the typed AST.
 */
import {
  LIST_COMPARATORS,
  NULL_COMPARATORS,
  NUMBER_COMPARATORS,
  STRING_COMPARATORS,
  type Comparator,
  type Comparison,
  type EntityKind,
  type SearchKey,
} from './comparison.js';
import { parseFilter, type RawComparison } from './parse-filter.js';
import { resolveKey } from './resolve-key.js';
import { grammarError, pythonList, pythonSet, type SearchText } from './search-error.js';
import type { KeySpec, SearchGrammar } from './search-grammar.js';

/** How MLflow names each entity in "Expected a quoted string value for ..." messages. */
const STRING_VALUE_OWNER: Record<EntityKind, string> = {
  attribute: 'attributes',
  metric: 'metric',
  param: 'parameter',
  tag: 'tag',
  dataset: 'dataset attributes',
};

const WHOLE = /^\s*[-+]?\d+\s*$/;

/** The comparisons of `filter`, AND-ed; an empty or blank filter gives none. */
export function resolveFilter(grammar: SearchGrammar, filter: string | undefined): Comparison[] {
  if (!filter) return [];
  const src: SearchText = { what: 'filter', text: filter };
  return parseFilter(filter).map((raw) => resolveComparison(grammar, raw, src));
}

function resolveComparison(grammar: SearchGrammar, raw: RawComparison, src: SearchText): Comparison {
  const { key, spec } = resolveKey(grammar, raw.key, src);
  const { op, value } = raw;
  if (!spec.comparators.includes(op)) throw comparatorError(grammar, key, spec, raw, src);

  if (value.type === 'none' && isOneOf(op, NULL_COMPARATORS)) return { type: 'null', key, op };
  if (value.type === 'list' && isOneOf(op, LIST_COMPARATORS)) {
    for (const v of value.values) checkString(spec, v, value.position, src);
    return { type: 'list', key, op, values: value.values };
  }
  if (value.type === 'number') {
    if (spec.value === 'string') {
      const message = `Expected a quoted string value for ${STRING_VALUE_OWNER[key.entity]} (e.g. 'my-value'). Got value ${value.text}`;
      throw grammarError(src, message, value.position, 'a quoted string', value.text);
    }
    if ((spec.value === 'integer' || spec.value === 'whole') && !Number.isInteger(value.value)) {
      throw grammarError(src, `Invalid value for numeric attribute '${key.name}': '${value.text}'`, value.position, 'a whole number', value.text);
    }
    if (isOneOf(op, NUMBER_COMPARATORS)) return { type: 'number', key, op, value: value.value };
  }
  if (value.type === 'string' && spec.value === 'whole' && WHOLE.test(value.value) && isOneOf(op, NUMBER_COMPARATORS)) {
    return { type: 'number', key, op, value: Number(value.value) };
  }
  if (value.type === 'string') {
    if (spec.value !== 'string') {
      const owner = key.entity === 'metric' ? 'metric' : `numeric attribute: ${key.name}`;
      throw grammarError(src, `Expected numeric value type for ${owner}. Found ${value.text}`, value.position, 'a number', value.text);
    }
    checkString(spec, value.value, value.position, src);
    if (isOneOf(op, STRING_COMPARATORS)) return { type: 'string', key, op, value: value.value };
  }
  // Only a grammar allowing, say, LIKE on a number key gets here.
  throw comparatorError(grammar, key, spec, raw, src);
}

function checkString(spec: KeySpec, value: string, position: number, src: SearchText): void {
  const problem = spec.check?.(value);
  if (problem) throw grammarError(src, problem, position, 'a valid value', value);
}

function comparatorError(grammar: SearchGrammar, key: SearchKey, spec: KeySpec, raw: RawComparison, src: SearchText) {
  const { op, opPosition } = raw;
  const expected = `one of ${spec.comparators.join(', ')}`;
  if (isOneOf(op, LIST_COMPARATORS)) {
    const listKeys = keysAllowing(grammar, key.entity, op);
    if (listKeys.length > 0) {
      const message = `Only ${pythonList(listKeys)} attributes support comparison with a list of quoted string values.`;
      return grammarError(src, message, opPosition, expected, op);
    }
  }
  const owners = isOneOf(op, NULL_COMPARATORS) ? entitiesAllowing(grammar, op) : [];
  if (owners.length > 0) {
    const message = `IS NULL / IS NOT NULL is only supported for ${owners.join(' and ')}, not for '${key.entity}' '${key.name}'`;
    return grammarError(src, message, opPosition, expected, op);
  }
  return grammarError(src, `Invalid comparator '${op}' not one of '${pythonSet(spec.comparators)}'`, opPosition, expected, op);
}

function keysAllowing(grammar: SearchGrammar, entity: EntityKind, op: Comparator): string[] {
  const keys = grammar.entities[entity]?.keys ?? {};
  return Object.entries(keys)
    .filter(([, spec]) => spec.comparators.includes(op))
    .map(([name]) => name);
}

function entitiesAllowing(grammar: SearchGrammar, op: Comparator): string[] {
  return Object.entries(grammar.entities)
    .filter(([, spec]) => spec.anyKey?.comparators.includes(op) || Object.values(spec.keys ?? {}).some((k) => k.comparators.includes(op)))
    .map(([entity]) => `${entity}s`);
}

function isOneOf<T extends string>(op: string, set: readonly T[]): op is T {
  return (set as readonly string[]).includes(op);
}
