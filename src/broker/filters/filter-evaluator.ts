/**
 * Turns a parsed filter into a predicate over FilterRecords, once: each node becomes a closure,
 * so matching an alert walks no syntax tree. Values and comparisons follow filter-values.ts.
 */
import type { FilterRecord } from './alert-filter.js';
import type { FilterNode, FilterOperand } from './filter-syntax.js';
import { compareValues, isNullish, lookupField } from './filter-values.js';

export type FilterPredicate = (record: FilterRecord) => boolean;
type OperandReader = (record: FilterRecord) => unknown;

export function compileFilter(node: FilterNode): FilterPredicate {
  switch (node.kind) {
    case 'or': {
      const items = node.items.map(compileFilter);
      return (record) => items.some((item) => item(record));
    }
    case 'and': {
      const items = node.items.map(compileFilter);
      return (record) => items.every((item) => item(record));
    }
    case 'not': {
      const item = compileFilter(node.item);
      return (record) => !item(record);
    }
    case 'compare': {
      const left = reader(node.left);
      const right = reader(node.right);
      const operator = node.operator;
      return (record) => compareValues(operator, left(record), right(record));
    }
    case 'in': {
      // `x in (a, b)` is `x = a or x = b`; `x not in (a, b)` is `x != a and x != b`.
      const value = reader(node.operand);
      const values = node.values;
      if (node.negated) return (record) => values.every((v) => compareValues('!=', value(record), v));
      return (record) => values.some((v) => compareValues('=', value(record), v));
    }
    case 'is-null': {
      const value = reader(node.operand);
      return node.negated ? (record) => !isNullish(value(record)) : (record) => isNullish(value(record));
    }
    case 'truth': {
      const value = reader(node.operand);
      return (record) => value(record) === true;
    }
  }
}

function reader(operand: FilterOperand): OperandReader {
  if (operand.kind === 'literal') {
    const value = operand.value;
    return () => value;
  }
  const name = operand.name;
  return (record) => lookupField(record, name);
}
