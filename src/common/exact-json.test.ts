import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from './exact-json-parse.js';
import { toExactJson } from './exact-json.js';

describe('toExactJson', () => {
  it('writes BigInt as exact unquoted digits', () => {
    expect(toExactJson({ candid: 3560118260615015042n, small: 12n, neg: -9223372036854775808n })).toBe(
      '{"candid":3560118260615015042,"small":12,"neg":-9223372036854775808}',
    );
  });

  it('writes non-finite numbers as null, or as Python does', () => {
    const value = [NaN, Infinity, -Infinity, 1.5];
    expect(toExactJson(value)).toBe('[null,null,null,1.5]');
    expect(toExactJson(value, { nonFinite: 'python' })).toBe('[NaN,Infinity,-Infinity,1.5]');
  });

  it('writes bytes as base64, dates as ISO text, Maps as objects, leaves undefined fields out', () => {
    const value = { b: new Uint8Array([1, 2, 3]), d: new Date(Date.UTC(2020, 0, 1)), m: new Map([['k', 1n]]), u: undefined, a: [undefined] };
    expect(toExactJson(value)).toBe('{"b":"AQID","d":"2020-01-01T00:00:00.000Z","m":{"k":1},"a":[null]}');
  });

  it('refuses a cycle', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => toExactJson(a)).toThrow(/contains itself/);
  });

  it("is read back exactly by Python's json module", () => {
    const text = toExactJson({ candid: 3560118260615015042n, x: NaN, s: 'é"\n' }, { nonFinite: 'python' });
    const out = execFileSync('python3', ['-c', 'import json,sys; d=json.loads(sys.stdin.read()); print(d["candid"], d["x"], repr(d["s"]))'], { input: text }).toString();
    expect(out.trim()).toBe(`3560118260615015042 nan 'é"\\n'`);
  });
});

describe('parseExactJson', () => {
  it('reads integers past 2^53 as BigInt and the rest as numbers', () => {
    const value = parseExactJson('{"candid": 3560118260615015042, "n": 9007199254740991, "f": 1e300, "g": -2.5, "neg": -9007199254740993}') as Record<string, unknown>;
    expect(value).toEqual({ candid: 3560118260615015042n, n: 9007199254740991, f: 1e300, g: -2.5, neg: -9007199254740993n });
  });

  it('reads what toExactJson writes, NaN and Infinity included', () => {
    const value = { a: [1, 'two', null, true, false, { b: 12345678901234567890n }], c: NaN, d: -Infinity, e: 'quote " and \\ and \u00e9' };
    expect(parseExactJson(toExactJson(value, { nonFinite: 'python' }))).toEqual(value);
  });

  it('keeps "__proto__" an ordinary key', () => {
    const value = parseExactJson('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it.each(['{"a": 1,}', '{"a" 1}', '[1 2]', '"open', '{"a": 1} x', '01', '{a: 1}'])('refuses %s with the offset', (text) => {
    expect(() => parseExactJson(text)).toThrow(/JSON: .* at offset \d+/);
  });
});
