import { describe, expect, it } from 'vitest';
import { toPythonJson } from './python-json.js';

describe('toPythonJson', () => {
  it('writes 64-bit integers exactly, as Python reads them', () => {
    expect(toPythonJson({ candid: 975188143515015117n, n: -(2n ** 63n) })).toBe('{"candid":975188143515015117,"n":-9223372036854775808}');
  });

  it("writes non-finite numbers as Python's tokens and bytes as a tagged base64 object", () => {
    expect(toPythonJson([Number.NaN, Infinity, -Infinity, 1.5, -0])).toBe('[NaN,Infinity,-Infinity,1.5,0]');
    expect(toPythonJson({ stamp: Buffer.from([0, 255]) })).toBe('{"stamp":{"__aviary_bytes__":"AP8="}}');
  });

  it('otherwise follows JSON.stringify', () => {
    const value = { a: 'é"\n', b: [1, undefined, null, true], c: undefined, d: new Date(0), e: new Map([['k', 1n]]), f: Float64Array.of(0.5) };
    expect(toPythonJson(value)).toBe('{"a":"é\\"\\n","b":[1,null,null,true],"d":"1970-01-01T00:00:00.000Z","e":{"k":1},"f":[0.5]}');
  });

  it('refuses a value that contains itself', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => toPythonJson(loop)).toThrow('contains itself');
  });
});
