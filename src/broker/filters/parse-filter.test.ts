import { describe, expect, it } from 'vitest';
import { FilterSyntaxError } from './alert-filter.js';
import { MAX_FILTER_NESTING } from './filter-parser.js';
import { missingFields, parseFilter } from './parse-filter.js';

const matches = (expression: string, record: Record<string, unknown>) => parseFilter(expression).matches(record);

/** The error a bad expression raises (fails the test when it parses). */
function syntaxError(expression: string): FilterSyntaxError {
  try {
    parseFilter(expression);
  } catch (err) {
    if (err instanceof FilterSyntaxError) return err;
    throw err;
  }
  throw new Error(`\`${expression}\` parsed, but should not`);
}

describe('parseFilter: grammar', () => {
  it("reads a shadow alias's output as module@alias.output, aliases with dashes included", () => {
    const filter = parseFilter('snia@challenger.snia_score > 0.5 and snia_score <= 0.5 and snia@v2-candidate.snia_score is null');
    expect(filter.fields).toEqual(['snia@challenger.snia_score', 'snia_score', 'snia@v2-candidate.snia_score']);
    const record = (champion: number, shadow: number) => ({ snia_score: champion, 'snia@challenger': { snia_score: shadow } });
    expect(filter.matches(record(0.2, 0.9))).toBe(true);
    expect(filter.matches(record(0.9, 0.9))).toBe(false);
    expect(filter.matches(record(0.2, 0.1))).toBe(false);
  });

  it('reads every comparison operator', () => {
    const r = { x: 2 };
    const cases: [string, boolean][] = [
      ['x = 2', true], ['x == 2', true], ['x = 3', false],
      ['x != 2', false], ['x <> 3', true], ['x != 3', true],
      ['x < 3', true], ['x < 2', false], ['x <= 2', true], ['x <= 1', false],
      ['x > 1', true], ['x > 2', false], ['x >= 2', true], ['x >= 3', false],
    ];
    for (const [expression, expected] of cases) expect(matches(expression, r), expression).toBe(expected);
  });

  it('reads literals on either side, in every number form', () => {
    expect(matches('3 > x', { x: 2 })).toBe(true);
    expect(matches('x = -2.5e-1', { x: -0.25 })).toBe(true);
    expect(matches('x = .5', { x: 0.5 })).toBe(true);
    expect(matches('x = 1E3', { x: 1000 })).toBe(true);
    expect(matches('x > -3', { x: -2 })).toBe(true);
    expect(matches('1 = 1', {})).toBe(true);
  });

  it('reads strings with both quotes, doubled quotes and escapes', () => {
    expect(matches(`c = 'SN Ia'`, { c: 'SN Ia' })).toBe(true);
    expect(matches(`c = "it's"`, { c: "it's" })).toBe(true);
    expect(matches(`c = 'it''s'`, { c: "it's" })).toBe(true);
    expect(matches(`c = 'a\\tb\\u0041'`, { c: 'a\tbA' })).toBe(true);
    expect(matches(`c = 'a\\\\b'`, { c: 'a\\b' })).toBe(true);
  });

  it('takes keywords in any case, and bare boolean fields', () => {
    expect(matches('a AND NOT b Or c', { a: true, b: true, c: false })).toBe(false);
    expect(matches('is_asteroid', { is_asteroid: true })).toBe(true);
    expect(matches('is_asteroid', { is_asteroid: 1 })).toBe(false);
    expect(matches('not is_asteroid', { is_asteroid: false })).toBe(true);
    expect(matches('x = TRUE', { x: true })).toBe(true);
  });

  it('gives not precedence over and, and over or', () => {
    // a or b and c = a or (b and c)
    expect(matches('a or b and c', { a: true, b: false, c: false })).toBe(true);
    expect(matches('(a or b) and c', { a: true, b: false, c: false })).toBe(false);
    // not a and b = (not a) and b
    expect(matches('not a and b', { a: true, b: false })).toBe(false);
    expect(matches('not (a and b)', { a: true, b: false })).toBe(true);
    expect(matches('not not a', { a: true })).toBe(true);
    expect(matches('not x = 1', { x: 2 })).toBe(true);
  });

  it('reads in, not in, is null and is not null', () => {
    expect(matches(`c in ('SN Ia', 'KN')`, { c: 'KN' })).toBe(true);
    expect(matches(`c in ('SN Ia', 'KN')`, { c: 'AGN' })).toBe(false);
    expect(matches(`c not in ('SN Ia', 'KN')`, { c: 'AGN' })).toBe(true);
    expect(matches(`fid in (1, 2)`, { fid: 2 })).toBe(true);
    expect(matches('x is null', { x: null })).toBe(true);
    expect(matches('x IS NOT NULL', { x: 0 })).toBe(true);
    expect(matches('x is not null', {})).toBe(false);
  });

  it('reads dotted and backquoted field names, a key with the dot winning', () => {
    const record = { candidate: { magpsf: 18.5 }, 'lc_features_g.amplitude': 0.4, lc_features_g: { amplitude: 9 }, 'odd name': 1, prv: [{ m: 3 }] };
    expect(matches('candidate.magpsf < 19', record)).toBe(true);
    expect(matches('lc_features_g.amplitude = 0.4', record)).toBe(true);
    expect(matches('`odd name` = 1', record)).toBe(true);
    expect(matches('prv.0.m = 3', record)).toBe(true);
    expect(matches('toString is null', record)).toBe(true);
  });

  it('lists the fields read, once each, in order', () => {
    const filter = parseFilter('snia_score > 0.7 and (drb > 0.5 or snia_score is null) and `a b` in (1)');
    expect(filter.fields).toEqual(['snia_score', 'drb', 'a b']);
    expect(missingFields(filter, { snia_score: null, drb: 1 })).toEqual(['a b']);
  });
});

describe('parseFilter: errors say where and what', () => {
  const cases: [expression: string, position: number, reason: RegExp][] = [
    ['', 0, /empty expression/],
    ['   ', 3, /empty expression/],
    ['snia_score 0.7', 11, /expected a comparison operator after `snia_score`/],
    ["c = 'SN Ia", 4, /unclosed string/],
    ['`odd', 0, /unclosed backquoted field name/],
    ['x => 1', 2, /unknown operator `=>`; did you mean `>=`\?/],
    ['x =< 1', 2, /did you mean `<=`\?/],
    ['a && b', 2, /did you mean `and`\?/],
    ['!a', 0, /did you mean `!=` or `not`\?/],
    ['x > 1 y', 6, /after a complete condition/],
    ['x > 1)', 5, /no `\(` to close/],
    ['(x > 1', 6, /expected `\)` to close the `\(` at position 1/],
    ['x >', 3, /expected a field or a value after `>`/],
    ['and x', 0, /expected a field, a value, `not` or `\(`, found `and`/],
    ['x in 1', 5, /expected `\(`/],
    ['x in ()', 6, /expected a value in the `in` list/],
    ['x in (1, y)', 9, /not the field `y`/],
    ['x in (1 2)', 8, /expected `,` or `\)`/],
    ['x is 1', 5, /expected `null` after `is`/],
    ['x not 1', 6, /expected `in` after `x not`/],
    ['x # 1', 2, /unexpected character `#`/],
    ['x = 12ab', 6, /right after the number/],
    ["x = 'a\\q'", 6, /unknown escape/],
    ['0.7', 3, /expected a comparison operator after `0.7`/],
    ['a. = 1', 1, /cannot end with `.`/],
  ];
  for (const [expression, position, reason] of cases) {
    it(`${JSON.stringify(expression)} fails at ${position}`, () => {
      const err = syntaxError(expression);
      expect(err.position).toBe(position);
      expect(err.reason).toMatch(reason);
      // The message shows the expression with a caret under the position.
      const lines = err.message.split('\n');
      expect(lines[1]).toBe(`  ${expression}`);
      expect(lines[2]!.indexOf('^')).toBe(2 + position);
    });
  }
});

describe('parseFilter: nesting is bounded, chains are not', () => {
  const nested = (levels: number) => `${'('.repeat(levels)}x = 1${')'.repeat(levels)}`;

  it(`reads ${MAX_FILTER_NESTING} levels of parentheses and of not`, () => {
    expect(matches(nested(MAX_FILTER_NESTING), { x: 1 })).toBe(true);
    // An even number of nots keeps the meaning.
    expect(matches(`${'not '.repeat(MAX_FILTER_NESTING)}x = 1`, { x: 1 })).toBe(true);
    expect(matches(`${'not ('.repeat(MAX_FILTER_NESTING / 2)}x = 1${')'.repeat(MAX_FILTER_NESTING / 2)}`, { x: 1 })).toBe(true);
  });

  it('refuses deeper nesting at the opening that goes one level too deep, naming the limit', () => {
    for (const levels of [MAX_FILTER_NESTING + 1, 3000, 100_000]) {
      const err = syntaxError(nested(levels));
      expect(err.position).toBe(MAX_FILTER_NESTING);
      expect(err.reason).toBe(
        `too deeply nested: this \`(\` opens level ${MAX_FILTER_NESTING + 1}, and at most ${MAX_FILTER_NESTING} levels of parentheses and \`not\` are allowed`,
      );
    }
    const nots = syntaxError(`${'NOT '.repeat(5000)}x = 1`);
    expect(nots.position).toBe(4 * MAX_FILTER_NESTING);
    expect(nots.reason).toMatch(/^too deeply nested: this `NOT` opens level 101/);
    // Parentheses and nots count together.
    const mixed = syntaxError(`${'not ('.repeat(MAX_FILTER_NESTING)}x = 1${')'.repeat(MAX_FILTER_NESTING)}`);
    expect(mixed.position).toBe(5 * (MAX_FILTER_NESTING / 2));
  });

  it('parses and evaluates flat and/or chains of any length without recursion', () => {
    const terms = 20_000;
    const or = Array.from({ length: terms }, (_, i) => `x = ${i}`).join(' or ');
    expect(matches(or, { x: terms - 1 })).toBe(true);
    expect(matches(or, { x: terms })).toBe(false);
    const and = Array.from({ length: terms }, (_, i) => `x != ${i}`).join(' and ');
    expect(matches(and, { x: terms })).toBe(true);
    expect(matches(and, { x: 0 })).toBe(false);
    const mixed = Array.from({ length: terms }, (_, i) => `x = ${i} and not y`).join(' or ');
    expect(matches(mixed, { x: terms - 1, y: false })).toBe(true);
    expect(parseFilter(mixed).fields).toEqual(['x', 'y']);
  });
});
