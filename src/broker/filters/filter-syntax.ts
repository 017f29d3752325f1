/**
 * The parsed form of a filter expression (what filter-parser.ts builds and
 * filter-evaluator.ts runs), and the fields an expression reads.
 */
import type { ComparisonOperator } from './filter-lexer.js';

export type LiteralValue = number | bigint | string | boolean | null;

export type FilterOperand =
  | { readonly kind: 'field'; readonly name: string; readonly position: number }
  | { readonly kind: 'literal'; readonly value: LiteralValue; readonly position: number };

export type FilterNode =
  | { readonly kind: 'or'; readonly items: readonly FilterNode[] }
  | { readonly kind: 'and'; readonly items: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly item: FilterNode }
  | { readonly kind: 'compare'; readonly operator: ComparisonOperator; readonly left: FilterOperand; readonly right: FilterOperand }
  | { readonly kind: 'in'; readonly operand: FilterOperand; readonly values: readonly LiteralValue[]; readonly negated: boolean }
  | { readonly kind: 'is-null'; readonly operand: FilterOperand; readonly negated: boolean }
  /** A bare operand: true when its value is the boolean `true`. */
  | { readonly kind: 'truth'; readonly operand: FilterOperand };

/** Every field name the expression reads, once each, in order of appearance. */
export function fieldsOf(node: FilterNode): string[] {
  const names = new Set<string>();
  const operand = (o: FilterOperand) => {
    if (o.kind === 'field') names.add(o.name);
  };
  const visit = (n: FilterNode): void => {
    switch (n.kind) {
      case 'or':
      case 'and':
        return n.items.forEach(visit);
      case 'not':
        return visit(n.item);
      case 'compare':
        operand(n.left);
        return operand(n.right);
      default:
        return operand(n.operand);
    }
  };
  visit(node);
  return [...names];
}
