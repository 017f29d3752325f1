/**
 * The syntax of a filter, before any entity's rules apply:
 *
 *   filter     := comparison (AND comparison)*
 *   comparison := key comparator value
 *   comparator := = | != | > | >= | < | <= | LIKE | ILIKE | IN | NOT IN | IS NULL | IS NOT NULL
 *   value      := 'string' | "string" | number | ( 'string' [, 'string']* [,] )  -- nothing after IS [NOT] NULL
 *
 * Keywords are case-insensitive. A key is a dotted path (`metrics.acc`, `tags.mlflow.runName`,
 * metrics.`my metric`) or a whole key in double quotes (`"run name"`). The result keeps the
 * positions the grammar needs for its own error messages.
 *
 * The stores compile each comparison to SQL AND-ed with the others, which SQLite nests one
 * level deeper per AND (SQLITE_MAX_EXPR_DEPTH, 1000 by default: a run search failed from about
 * 930 metric comparisons), and each value is a bound parameter (at most 32,766). The limits
 * below keep every search far from both, with room for the store's own clauses and a logged
 * model search's datasets.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import { COMPARATORS, type Comparator } from './comparison.js';
import { keyOf, keywordOf, type RawKey } from './raw-key.js';
import { grammarError, type SearchText } from './search-error.js';
import { TokenCursor } from './token-cursor.js';
import { tokenize } from './tokenize.js';

export type RawValue =
  | { readonly type: 'string'; readonly value: string; readonly position: number; readonly text: string }
  | { readonly type: 'number'; readonly value: number; readonly position: number; readonly text: string }
  | { readonly type: 'list'; readonly values: readonly string[]; readonly position: number; readonly text: string }
  | { readonly type: 'none'; readonly position: number; readonly text: '' };

export interface RawComparison {
  readonly key: RawKey;
  readonly op: Comparator;
  readonly opPosition: number;
  readonly value: RawValue;
}

/** Most comparisons one filter may AND together. */
export const MAX_FILTER_CONDITIONS = 200;
/** Most values all the IN and NOT IN lists of one filter may hold together. */
export const MAX_FILTER_LIST_VALUES = 10_000;

const COMPARATOR_LIST = `a comparator (${COMPARATORS.join(', ')})`;

export function parseFilter(text: string): RawComparison[] {
  const src: SearchText = { what: 'filter', text };
  const cursor = new TokenCursor(src, tokenize(src));
  const comparisons: RawComparison[] = [];
  if (cursor.peek().kind === 'end') return comparisons;
  for (;;) {
    const keyToken = cursor.next();
    const key = keyOf(keyToken);
    if (!key) throw cursor.fail(keyToken, 'a key (such as metrics.accuracy, params.lr or an attribute name)');
    const opToken = cursor.peek();
    const op = parseComparator(cursor);
    comparisons.push({ key, op, opPosition: opToken.position, value: parseValue(cursor, op) });
    const after = cursor.next();
    if (after.kind === 'end') return checkSize(src, comparisons);
    if (keywordOf(after) !== 'AND') {
      const clause = text.slice(after.position).trim();
      throw grammarError(src, `Invalid clause(s) in filter string: '${clause}'`, after.position, 'AND or the end of the filter', after.text);
    }
  }
}

function parseComparator(cursor: TokenCursor): Comparator {
  const token = cursor.next();
  if (token.kind === 'op') {
    const op = COMPARATORS.find((c) => c === token.text);
    if (op) return op;
  }
  const word = keywordOf(token);
  if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return word;
  if (word === 'NOT') {
    if (keywordOf(cursor.peek()) === 'IN') {
      cursor.next();
      return 'NOT IN';
    }
    throw cursor.fail(cursor.peek(), 'IN after NOT (NOT IN is the only negated comparator)');
  }
  if (word === 'IS') {
    const negated = keywordOf(cursor.peek()) === 'NOT';
    if (negated) cursor.next();
    if (keywordOf(cursor.peek()) === 'NULL') {
      cursor.next();
      return negated ? 'IS NOT NULL' : 'IS NULL';
    }
    throw cursor.fail(cursor.peek(), negated ? 'NULL after IS NOT' : 'NULL or NOT NULL after IS');
  }
  throw cursor.fail(token, COMPARATOR_LIST);
}

function parseValue(cursor: TokenCursor, op: Comparator): RawValue {
  const token = cursor.peek();
  if (op === 'IS NULL' || op === 'IS NOT NULL') return { type: 'none', position: token.position, text: '' };
  if (op === 'IN' || op === 'NOT IN') return parseList(cursor);
  cursor.next();
  if (token.kind === 'string') return { type: 'string', value: token.value, position: token.position, text: token.text };
  if (token.kind === 'number') return { type: 'number', value: token.value, position: token.position, text: token.text };
  throw cursor.fail(token, 'a value (a quoted string or a number)');
}

/** `( 'a', "b" )`, a trailing comma allowed as in the Python tuple MLflow reads. */
function parseList(cursor: TokenCursor): RawValue {
  const open = cursor.next();
  if (open.text !== '(' || open.kind !== 'punct') throw cursor.fail(open, "a parenthesized list of quoted strings, such as ('a', 'b')");
  const values: string[] = [];
  for (;;) {
    const token = cursor.next();
    if (token.kind === 'punct' && token.text === ')' && values.length > 0) break;
    if (token.kind !== 'string') {
      throw cursor.fail(token, values.length === 0 ? 'a non-empty list of quoted strings' : 'a quoted string');
    }
    values.push(token.value);
    const sep = cursor.next();
    if (sep.kind === 'punct' && sep.text === ')') break;
    if (sep.kind !== 'punct' || sep.text !== ',') throw cursor.fail(sep, "',' or ')'");
  }
  const end = cursor.peek().position;
  const text = cursor.src.text.slice(open.position, end).trim();
  return { type: 'list', values, position: open.position, text };
}

/** The whole filter is read first, so the message can say how far over a limit it is. */
function checkSize(src: SearchText, comparisons: RawComparison[]): RawComparison[] {
  if (comparisons.length > MAX_FILTER_CONDITIONS) {
    const { key } = comparisons[MAX_FILTER_CONDITIONS]!;
    throw MlflowError.invalid(
      `Invalid ${src.what}: the ${src.what} has ${comparisons.length} conditions; at most ${MAX_FILTER_CONDITIONS} are allowed ` +
        `(condition ${MAX_FILTER_CONDITIONS + 1} starts at position ${key.prefixPosition ?? key.position})`,
    );
  }
  const lists = comparisons.flatMap((c) => (c.value.type === 'list' ? [c.value] : []));
  const total = lists.reduce((n, list) => n + list.values.length, 0);
  if (total > MAX_FILTER_LIST_VALUES) {
    throw MlflowError.invalid(
      `Invalid ${src.what}: the IN lists of the ${src.what} hold ${total} values; at most ${MAX_FILTER_LIST_VALUES} are allowed in all`,
    );
  }
  return comparisons;
}
