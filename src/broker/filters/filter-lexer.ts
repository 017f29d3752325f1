/**
 * The tokens of a filter expression, each with its 0-based position. Keywords are
 * case-insensitive; integers beyond JavaScript's safe range become BigInt so that
 * `candid > 1234567890123456789` compares exactly. Operators borrowed from other languages
 * (`=>`, `&&`, `!`) are refused with the one meant.
 */
import { FilterSyntaxError } from './alert-filter.js';

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type Keyword = 'and' | 'or' | 'not' | 'in' | 'is' | 'null' | 'true' | 'false';

export type FilterToken =
  | { readonly kind: 'field'; readonly name: string; readonly position: number; readonly text: string }
  | { readonly kind: 'number'; readonly value: number | bigint; readonly position: number; readonly text: string }
  | { readonly kind: 'string'; readonly value: string; readonly position: number; readonly text: string }
  | { readonly kind: 'keyword'; readonly keyword: Keyword; readonly position: number; readonly text: string }
  | { readonly kind: 'operator'; readonly operator: ComparisonOperator; readonly position: number; readonly text: string }
  | { readonly kind: '(' | ')' | ','; readonly position: number; readonly text: string }
  | { readonly kind: 'end'; readonly position: number; readonly text: '' };

const KEYWORDS = new Set<string>(['and', 'or', 'not', 'in', 'is', 'null', 'true', 'false']);
const OPERATORS: Record<string, ComparisonOperator> = { '==': '=', '!=': '!=', '<>': '!=', '<=': '<=', '>=': '>=', '=': '=', '<': '<', '>': '>' };
const MISTAKES: Record<string, string> = { '=>': '>=', '=<': '<=', '&&': 'and', '||': 'or', '!': '!= or not', '&': 'and', '|': 'or' };
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
// `snia@challenger.snia_score`: a module's shadow alias (aliases may hold dashes) before the output.
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*(?:@[A-Za-z0-9_-]+)?(?:\.[A-Za-z0-9_]+)*/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '`': '`', '0': '\0' };

export function tokenize(expression: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  const fail = (position: number, reason: string): never => {
    throw new FilterSyntaxError(expression, position, reason);
  };
  let at = 0;
  while (at < expression.length) {
    const c = expression[at]!;
    if (/\s/.test(c)) {
      at++;
      continue;
    }
    const start = at;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, position: at++, text: c });
    } else if (c === "'" || c === '"' || c === '`') {
      const { value, end } = quoted(expression, at, fail);
      at = end;
      const text = expression.slice(start, at);
      tokens.push(c === '`' ? { kind: 'field', name: value, position: start, text } : { kind: 'string', value, position: start, text });
    } else if (/[0-9.]/.test(c) || (c === '-' && /[0-9.]/.test(expression[at + 1] ?? ''))) {
      NUMBER.lastIndex = at;
      const match = NUMBER.exec(expression);
      if (!match) fail(at, `\`${c}\` does not start a number`);
      at += match![0].length;
      if (/[A-Za-z_]/.test(expression[at] ?? '')) fail(at, `unexpected \`${expression[at]}\` right after the number \`${match![0]}\`; put a space or an operator between them`);
      tokens.push({ kind: 'number', value: numberValue(match![0]), position: start, text: match![0] });
    } else if (/[A-Za-z_]/.test(c)) {
      IDENTIFIER.lastIndex = at;
      const name = IDENTIFIER.exec(expression)![0];
      at += name.length;
      if (expression[at] === '.') fail(at, `a field name cannot end with \`.\` (after \`${name}\`); write \`a.b\`, or \`\`quote it\`\` in backquotes`);
      const lower = name.toLowerCase();
      if (KEYWORDS.has(lower)) tokens.push({ kind: 'keyword', keyword: lower as Keyword, position: start, text: name });
      else tokens.push({ kind: 'field', name, position: start, text: name });
    } else {
      const two = expression.slice(at, at + 2);
      const op = OPERATORS[two] ? two : OPERATORS[c] ? c : undefined;
      if (op && !MISTAKES[two]) {
        at += op.length;
        tokens.push({ kind: 'operator', operator: OPERATORS[op]!, position: start, text: op });
        continue;
      }
      const mistake = MISTAKES[two] ? two : MISTAKES[c] ? c : undefined;
      if (mistake) fail(at, `unknown operator \`${mistake}\`; did you mean \`${MISTAKES[mistake]!.replace(' or ', '` or `')}\`?`);
      fail(at, `unexpected character \`${c}\`; a filter is made of fields, values, comparisons (= != < <= > >=), in, is null, and, or, not and parentheses`);
    }
  }
  tokens.push({ kind: 'end', position: expression.length, text: '' });
  return tokens;
}

/** An integer literal beyond 2^53 becomes a BigInt; anything else a number. */
function numberValue(text: string): number | bigint {
  if (/^-?\d+$/.test(text)) {
    const big = BigInt(text);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  return Number(text);
}

/** A quoted string or a backquoted name starting at `start`; a doubled quote or a backslash escapes. */
function quoted(expression: string, start: number, fail: (position: number, reason: string) => never): { value: string; end: number } {
  const quote = expression[start]!;
  const what = quote === '`' ? 'backquoted field name' : 'string';
  let value = '';
  let at = start + 1;
  while (at < expression.length) {
    const c = expression[at]!;
    if (c === quote) {
      if (expression[at + 1] !== quote) return { value, end: at + 1 };
      value += quote;
      at += 2;
    } else if (c === '\\') {
      const next = expression[at + 1];
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(expression.slice(at + 2, at + 6))) {
        value += String.fromCharCode(parseInt(expression.slice(at + 2, at + 6), 16));
        at += 6;
      } else if (next !== undefined && ESCAPES[next] !== undefined) {
        value += ESCAPES[next];
        at += 2;
      } else {
        fail(at, `unknown escape \`\\${next ?? ''}\` in a ${what}; write \`\\\\\` for a backslash (known: \\n \\t \\r \\\\ \\' \\" \\uXXXX)`);
      }
    } else {
      value += c;
      at++;
    }
  }
  return fail(start, `unclosed ${what}: add the closing ${quote}`);
}
