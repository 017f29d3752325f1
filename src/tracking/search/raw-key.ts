/**
 * Keys and keywords as the parser sees them, before a grammar gives them meaning. A key is a
 * dotted path whose first segment may be a prefix (`metrics` in `metrics.acc`; which prefixes
 * exist is the grammar's business), or a whole key in double quotes (`"run name"`).
 */
import type { Token } from './tokenize.js';

export interface RawKey {
  /** The first segment of a dotted path (`metrics` in `metrics.acc`), as written. */
  readonly prefix?: string;
  readonly prefixPosition?: number;
  /** The rest of the path, unquoted (`acc`, `mlflow.runName`, `my metric`). */
  readonly name: string;
  /** Where the name starts. */
  readonly position: number;
  /** The key as written. */
  readonly text: string;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'ILIKE', 'ASC', 'DESC']);

/** The keyword a token spells (upper-cased), if it is one: an unquoted one-segment path. */
export function keywordOf(token: Token): string | undefined {
  if (token.kind !== 'path' || token.segments.length !== 1 || token.segments[0]!.quote) return undefined;
  const word = token.text.toUpperCase();
  return KEYWORDS.has(word) ? word : undefined;
}

/** A key token as a RawKey, or undefined when the token cannot be a key. */
export function keyOf(token: Token): RawKey | undefined {
  if (token.kind === 'string' && token.quote === '"') {
    return { name: token.value, position: token.position, text: token.text };
  }
  if (token.kind !== 'path' || keywordOf(token)) return undefined;
  const [first, ...rest] = token.segments;
  if (rest.length === 0) return { name: first!.text, position: first!.position, text: token.text };
  return {
    prefix: first!.text,
    prefixPosition: first!.position,
    name: rest.map((s) => s.text).join('.'),
    position: rest[0]!.position,
    text: token.text,
  };
}

