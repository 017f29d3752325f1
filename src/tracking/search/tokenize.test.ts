import { describe, expect, it } from 'vitest';
import { tokenize, type Token } from './tokenize.js';

const lex = (text: string): Token[] => tokenize({ what: 'filter', text });
const kinds = (text: string) => lex(text).map((t) => [t.kind, t.text, t.position]);

describe('tokenize', () => {
  it('splits a comparison into path, operator, value and end, with character offsets', () => {
    expect(kinds('metrics.acc >= 0.9')).toEqual([
      ['path', 'metrics.acc', 0],
      ['op', '>=', 12],
      ['number', '0.9', 15],
      ['end', '', 18],
    ]);
  });

  it('reads dotted paths, quoted segments and a prefix in backticks', () => {
    const [a, b, c, d] = lex('tags.mlflow.runName metrics.`my metric` params."a.b" `metrics`.x');
    const segments = (t: Token | undefined) => (t?.kind === 'path' ? t.segments.map((s) => s.text) : undefined);
    expect(segments(a)).toEqual(['tags', 'mlflow', 'runName']);
    expect(segments(b)).toEqual(['metrics', 'my metric']);
    expect(segments(c)).toEqual(['params', 'a.b']);
    expect(segments(d)).toEqual(['metrics', 'x']);
    expect(b?.kind === 'path' && b.segments[1]?.quote).toBe('`');
  });

  it('reads numbers: integers, decimals, exponents and signs', () => {
    const values = lex('1 -2 1e-3 .5 1. 2.5E+2 +3').filter((t) => t.kind === 'number').map((t) => (t.kind === 'number' ? t.value : NaN));
    expect(values).toEqual([1, -2, 0.001, 0.5, 1, 250, 3]);
  });

  it('unescapes doubled quotes and backslash-quotes inside strings', () => {
    const strings = lex(`'it''s' "say ""hi""" 'a\\'b' 'C:\\dir'`).flatMap((t) => (t.kind === 'string' ? [t.value] : []));
    expect(strings).toEqual(["it's", 'say "hi"', "a'b", 'C:\\dir']);
  });

  it('keeps a standalone double-quoted run as a string the parser may read as a key', () => {
    const [t] = lex('"run name"');
    expect(t).toMatchObject({ kind: 'string', quote: '"', value: 'run name' });
  });

  it('reads unicode letters in unquoted keys', () => {
    expect(kinds('metrics.précision')[0]).toEqual(['path', 'metrics.précision', 0]);
  });

  it('groups operator characters so a wrong operator is reported whole', () => {
    expect(kinds('a >> 1')[1]).toEqual(['op', '>>', 2]);
  });

  it('reports an unterminated quote at the end of the text', () => {
    expect(() => lex("params.x = 'abc")).toThrow(
      "Invalid filter 'params.x = 'abc': at position 15, expected a closing ' for the quote opened at position 11, found the end of the filter",
    );
  });

  it('reports a character that starts no token', () => {
    expect(() => lex('metrics.a-b = 1')).toThrow(/at position 9, .* found '-'/);
    expect(() => lex('a = 1; DROP TABLE runs')).toThrow(/at position 5, .* found ';'/);
  });

  it('reports a dot not followed by a name', () => {
    expect(() => lex('metrics. = 1')).toThrow(/at position 8, expected a key name after the dot/);
  });
});
