/**
 * How a filter reads and compares values.
 *
 * - A field is looked up by its name; a dotted name walks nested records (and list indexes,
 *   `prv_candidates.0.magpsf`), but a key holding the dot literally wins. Missing is null.
 * - null, undefined and NaN are all "null". Any comparison with null is false, except `!=`,
 *   which is true when exactly one side is null.
 * - Numbers and BigInts compare exactly with each other (64-bit ids stay exact); strings
 *   compare as strings; booleans only by = and !=. Values of different kinds (a string and a
 *   number) are never coerced: every comparison between them is false.
 */
import type { ComparisonOperator } from './filter-lexer.js';

/** The value of `name` in `record`; undefined when it is missing. */
export function lookupField(record: unknown, name: string): unknown {
  return walk(record, name.split('.'));
}

function walk(value: unknown, parts: readonly string[]): unknown {
  if (parts.length === 0) return value;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const index = /^\d+$/.test(parts[0]!) ? Number(parts[0]) : -1;
    return index >= 0 && index < value.length ? walk(value[index], parts.slice(1)) : undefined;
  }
  // The longest key first: "lc_features_g.amplitude" as one key wins over walking.
  for (let n = parts.length; n >= 1; n--) {
    const key = n === 1 ? parts[0]! : parts.slice(0, n).join('.');
    if (Object.hasOwn(value, key)) return walk((value as Record<string, unknown>)[key], parts.slice(n));
  }
  return undefined;
}

export function isNullish(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));
}

export function compareValues(operator: ComparisonOperator, left: unknown, right: unknown): boolean {
  const leftNull = isNullish(left);
  const rightNull = isNullish(right);
  if (leftNull || rightNull) return operator === '!=' && leftNull !== rightNull;
  const order = orderOf(left, right);
  if (order === undefined) return false;
  switch (operator) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/** -1, 0 or 1 for values of one kind; NaN for booleans out of order; undefined for different kinds. */
function orderOf(left: unknown, right: unknown): number | undefined {
  const l = typeof left;
  const r = typeof right;
  if ((l === 'number' || l === 'bigint') && (r === 'number' || r === 'bigint')) return compareNumeric(left as number | bigint, right as number | bigint);
  if (l === 'string' && r === 'string') return left === right ? 0 : (left as string) < (right as string) ? -1 : 1;
  // Booleans are equal or not; `true < false` is neither true nor false, so NaN makes it false.
  if (l === 'boolean' && r === 'boolean') return left === right ? 0 : NaN;
  return undefined;
}

export function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? 0 : a < b ? -1 : 1;
  return typeof a === 'bigint' ? compareBigIntToNumber(a, b as number) : -compareBigIntToNumber(b as bigint, a as number);
}

/** Exact: no rounding of the BigInt to a double. */
function compareBigIntToNumber(a: bigint, b: number): number {
  if (b === Infinity) return -1;
  if (b === -Infinity) return 1;
  const floor = Math.floor(b);
  const whole = BigInt(floor);
  if (a < whole) return -1;
  if (a > whole) return 1;
  return floor === b ? 0 : -1;
}
