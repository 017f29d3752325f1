/**
 * A recursive-descent parser for the filter grammar (keywords case-insensitive):
 *
 *   expr      := or
 *   or        := and ('or' and)*
 *   and       := not ('and' not)*
 *   not       := 'not' not | predicate
 *   predicate := '(' expr ')'
 *              | operand cmp operand
 *              | operand ['not'] 'in' '(' literal (',' literal)* ')'
 *              | operand 'is' ['not'] 'null'
 *              | operand                      -- a boolean field, e.g. `is_asteroid`
 *   cmp       := = | == | != | <> | < | <= | > | >=
 *   operand   := field | literal
 *
 * Errors are FilterSyntaxErrors at the offending token, saying what was expected there.
 * Chains of `and` and `or` are read in a loop into one flat node, so their length costs no
 * stack; nesting (parentheses and `not`) recurses here and in the evaluator, so it is bounded.
 */
import { FilterSyntaxError } from './alert-filter.js';
import { tokenize, type FilterToken } from './filter-lexer.js';
import type { FilterNode, FilterOperand, LiteralValue } from './filter-syntax.js';

/**
 * Most levels of parentheses and `not` one expression may nest. Far beyond any real filter,
 * and far below the depth at which parsing, `fieldsOf` or the evaluator would run out of stack.
 */
export const MAX_FILTER_NESTING = 100;

export function parseFilterSyntax(expression: string): FilterNode {
  return new FilterParser(expression).parse();
}

/** How a token reads in a message: `name`, or "the end of the expression". */
function shown(token: FilterToken): string {
  return token.kind === 'end' ? 'the end of the expression' : `\`${token.text}\``;
}

class FilterParser {
  private readonly tokens: FilterToken[];
  private at = 0;
  private depth = 0;

  constructor(private readonly expression: string) {
    this.tokens = tokenize(expression);
  }

  parse(): FilterNode {
    if (this.peek().kind === 'end') this.fail(this.peek(), 'empty expression: write a condition such as `drb > 0.5`');
    const node = this.or();
    const next = this.peek();
    if (next.kind === ')') this.fail(next, 'unexpected `)` with no `(` to close');
    if (next.kind !== 'end') this.fail(next, `unexpected ${shown(next)} after a complete condition; join conditions with \`and\` or \`or\``);
    return node;
  }

  private or(): FilterNode {
    const items = [this.and()];
    while (this.keyword('or')) items.push(this.and());
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private and(): FilterNode {
    const items = [this.not()];
    while (this.keyword('and')) items.push(this.not());
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private not(): FilterNode {
    const not = this.peek();
    if (this.keyword('not')) return { kind: 'not', item: this.nested(not, () => this.not()) };
    return this.predicate();
  }

  /** Reads what `opener` (a `(` or a `not`) opens, one level deeper. */
  private nested(opener: FilterToken, read: () => FilterNode): FilterNode {
    if (this.depth >= MAX_FILTER_NESTING) {
      this.fail(opener, `too deeply nested: this \`${opener.text}\` opens level ${MAX_FILTER_NESTING + 1}, and at most ${MAX_FILTER_NESTING} levels of parentheses and \`not\` are allowed`);
    }
    this.depth++;
    const node = read();
    this.depth--;
    return node;
  }

  private predicate(): FilterNode {
    const open = this.peek();
    if (open.kind === '(') {
      this.at++;
      const inner = this.nested(open, () => this.or());
      const close = this.peek();
      if (close.kind !== ')') this.fail(close, `expected \`)\` to close the \`(\` at position ${open.position + 1}, found ${shown(close)}`);
      this.at++;
      return inner;
    }
    const operand = this.operand('a field, a value, `not` or `(`');
    const next = this.peek();
    if (next.kind === 'operator') {
      this.at++;
      const right = this.operand(`a field or a value after \`${next.text}\``);
      return { kind: 'compare', operator: next.operator, left: operand, right };
    }
    if (next.kind === 'keyword' && next.keyword === 'not') {
      this.at++;
      if (!this.keyword('in')) this.fail(this.peek(), `expected \`in\` after \`${this.text(operand)} not\`; to negate a condition, put \`not\` before it`);
      return { kind: 'in', operand, values: this.list(), negated: true };
    }
    if (this.keyword('in')) return { kind: 'in', operand, values: this.list(), negated: false };
    if (this.keyword('is')) {
      const negated = this.keyword('not');
      if (!this.keyword('null')) this.fail(this.peek(), `expected \`null\` after \`is${negated ? ' not' : ''}\`; compare values with \`=\``);
      return { kind: 'is-null', operand, negated };
    }
    const connects = next.kind === 'end' || next.kind === ')' || (next.kind === 'keyword' && (next.keyword === 'and' || next.keyword === 'or'));
    const boolean = operand.kind === 'field' || typeof operand.value === 'boolean';
    if (!connects || !boolean) {
      this.fail(next, `expected a comparison operator after \`${this.text(operand)}\` (= != < <= > >=, in, is null), found ${shown(next)}`);
    }
    return { kind: 'truth', operand };
  }

  private operand(expected: string): FilterOperand {
    const token = this.peek();
    if (token.kind === 'field') {
      this.at++;
      return { kind: 'field', name: token.name, position: token.position };
    }
    const value = this.literalOf(token);
    if (value === undefined) this.fail(token, `expected ${expected}, found ${shown(token)}`);
    this.at++;
    return { kind: 'literal', value: value!, position: token.position };
  }

  private list(): LiteralValue[] {
    const open = this.peek();
    if (open.kind !== '(') this.fail(open, `expected \`(\` and a list of values after \`in\`, e.g. \`in ('SN Ia', 'SN II')\`, found ${shown(open)}`);
    this.at++;
    const values: LiteralValue[] = [];
    for (;;) {
      const token = this.peek();
      const value = this.literalOf(token);
      if (value === undefined) {
        const why = token.kind === 'field' ? `only values (numbers, strings, true, false, null) go in an \`in\` list, not the field \`${token.text}\`` : `expected a value in the \`in\` list, found ${shown(token)}`;
        this.fail(token, why);
      }
      this.at++;
      values.push(value!);
      const next = this.peek();
      if (next.kind === ')') {
        this.at++;
        return values;
      }
      if (next.kind !== ',') this.fail(next, `expected \`,\` or \`)\` in the \`in\` list opened at position ${open.position + 1}, found ${shown(next)}`);
      this.at++;
    }
  }

  /** The literal a token stands for, or undefined when it is not one. */
  private literalOf(token: FilterToken): LiteralValue | undefined {
    if (token.kind === 'number' || token.kind === 'string') return token.value;
    if (token.kind === 'keyword') {
      if (token.keyword === 'true') return true;
      if (token.keyword === 'false') return false;
      if (token.keyword === 'null') return null;
    }
    return undefined;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token.kind !== 'keyword' || token.keyword !== word) return false;
    this.at++;
    return true;
  }

  private peek(): FilterToken {
    return this.tokens[this.at]!;
  }

  private text(operand: FilterOperand): string {
    return this.tokens.find((t) => t.position === operand.position)?.text ?? '';
  }

  private fail(token: FilterToken, reason: string): never {
    throw new FilterSyntaxError(this.expression, token.position, reason);
  }
}
