/**
 * The lexer of MLflow's search grammar. It knows no keys and no keywords: `metrics.acc`,
 * `tags.mlflow.runName`, metrics.`my metric` and `AND` are all paths; the parser decides what a
 * path means where it stands. Positions are character offsets into the text.
 *
 * Quoting, as MLflow (through sqlparse) reads it: values in '...' or "..."; key parts in `...`
 * or "..."; inside quotes a doubled quote or a backslash before the quote stands for the quote
 * itself (MLflow keeps both characters; we unescape, as SQL does).
 */
import { syntaxError, type SearchText } from './search-error.js';

export interface PathSegment {
  readonly text: string;
  /** The quote the segment was written in, if any; a quoted segment is never a keyword. */
  readonly quote?: '`' | '"';
  readonly position: number;
}

export type Token =
  | { readonly kind: 'path'; readonly segments: readonly PathSegment[]; readonly position: number; readonly text: string }
  | { readonly kind: 'string'; readonly value: string; readonly quote: "'" | '"'; readonly position: number; readonly text: string }
  | { readonly kind: 'number'; readonly value: number; readonly position: number; readonly text: string }
  | { readonly kind: 'op' | 'punct'; readonly position: number; readonly text: string }
  | { readonly kind: 'end'; readonly position: number; readonly text: '' };

const WORD_START = /[\p{L}_]/u;
const WORD_CHAR = /[\p{L}\p{N}_$#]/u;
const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const OPERATOR = /[<>=!~]+/y;

export function tokenize(src: SearchText): Token[] {
  const { text } = src;
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      const q = readQuoted(src, i);
      if (c === '"' && text[q.end] === '.') i = pushPath(src, tokens, start, { text: q.value, quote: '"', position: start }, q.end);
      else {
        tokens.push({ kind: 'string', value: q.value, quote: c, position: start, text: text.slice(start, q.end) });
        i = q.end;
      }
    } else if (c === '`') {
      const q = readQuoted(src, i);
      i = pushPath(src, tokens, start, { text: q.value, quote: '`', position: start }, q.end);
    } else if (WORD_START.test(c)) {
      const end = readWord(text, i);
      i = pushPath(src, tokens, start, { text: text.slice(start, end), position: start }, end);
    } else if (match(NUMBER, text, i)) {
      const raw = match(NUMBER, text, i)!;
      tokens.push({ kind: 'number', value: Number(raw), position: start, text: raw });
      i += raw.length;
    } else if (match(OPERATOR, text, i)) {
      const raw = match(OPERATOR, text, i)!;
      tokens.push({ kind: 'op', position: start, text: raw });
      i += raw.length;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', position: start, text: c });
      i++;
    } else {
      throw syntaxError(src, i, 'a key, a comparator, a quoted string, a number, AND, or a parenthesis', c);
    }
  }
  tokens.push({ kind: 'end', position: text.length, text: '' });
  return tokens;
}

/** Reads the rest of a dotted path whose first segment ends at `end`, and pushes it. */
function pushPath(src: SearchText, tokens: Token[], start: number, first: PathSegment, end: number): number {
  const { text } = src;
  const segments = [first];
  let i = end;
  while (text[i] === '.') {
    const next = text[i + 1];
    if (next === '`' || next === '"') {
      const q = readQuoted(src, i + 1);
      segments.push({ text: q.value, quote: next, position: i + 1 });
      i = q.end;
    } else if (next !== undefined && WORD_CHAR.test(next)) {
      const wordEnd = readWord(text, i + 1);
      segments.push({ text: text.slice(i + 1, wordEnd), position: i + 1 });
      i = wordEnd;
    } else {
      throw syntaxError(src, i + 1, 'a key name after the dot', next);
    }
  }
  tokens.push({ kind: 'path', segments, position: start, text: text.slice(start, i) });
  return i;
}

function readWord(text: string, start: number): number {
  let i = start;
  while (i < text.length && WORD_CHAR.test(text[i]!)) i++;
  return i;
}

/** Reads a quoted run starting at `start` (the opening quote); `end` is just past the closing quote. */
function readQuoted(src: SearchText, start: number): { value: string; end: number } {
  const { text } = src;
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote && text[i + 1] === quote) {
      value += quote;
      i += 2;
    } else if (c === '\\' && text[i + 1] === quote && quote !== '`') {
      value += quote;
      i += 2;
    } else if (c === quote) {
      return { value, end: i + 1 };
    } else {
      value += c;
      i++;
    }
  }
  throw syntaxError(src, text.length, `a closing ${quote} for the quote opened at position ${start}`, undefined);
}

function match(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}
