import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonJsonDumps, pythonTypeName, SourceNumber } from './python-json.js';

describe('pythonFloatRepr', () => {
  it.each([
    [9, '9.0'],
    [1000, '1000.0'],
    [123.456, '123.456'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [123456789012345.6, '123456789012345.6'],
    [-0, '-0.0'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NaN, 'NaN'],
  ])('%d reads %s, as Python writes it', (value, written) => {
    expect(pythonFloatRepr(value)).toBe(written);
  });
});

describe('pythonJsonDumps', () => {
  it("writes Python's default separators, or compact ones with sorted keys", () => {
    expect(pythonJsonDumps([{ name: 'm', version: 1 }])).toBe('[{"name": "m", "version": 1}]');
    expect(pythonJsonDumps({ b: [new SourceNumber('1.50'), 2], a: 'é' }, { compact: true, sortKeys: true })).toBe('{"a":"\\u00e9","b":[1.5,2]}');
  });

  it('keeps numbers as the request wrote them: a float, an exact big int', () => {
    expect(pythonJsonDumps(new SourceNumber('9.0'))).toBe('9.0');
    expect(pythonJsonDumps(new SourceNumber('1E400'))).toBe('Infinity');
    expect(pythonJsonDumps(new SourceNumber('12345678901234567890'))).toBe('12345678901234567890');
    expect(pythonTypeName(new SourceNumber('9.0'))).toBe('float');
    expect(pythonTypeName(new SourceNumber('9'))).toBe('int');
  });
});
