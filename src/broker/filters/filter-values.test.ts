import { describe, expect, it } from 'vitest';
import { parseFilter } from './parse-filter.js';
import { compareNumeric } from './filter-values.js';

const matches = (expression: string, record: Record<string, unknown>) => parseFilter(expression).matches(record);

describe('null semantics', () => {
  const nulls: [string, Record<string, unknown>][] = [
    ['null', { x: null }],
    ['missing', {}],
    ['undefined', { x: undefined }],
    ['NaN', { x: NaN }],
  ];
  for (const [what, record] of nulls) {
    it(`${what}: every comparison is false but != a value, and is null holds`, () => {
      for (const op of ['=', '<', '<=', '>', '>=']) expect(matches(`x ${op} 1`, record), op).toBe(false);
      expect(matches('x != 1', record)).toBe(true);
      expect(matches('x != null', record)).toBe(false);
      expect(matches('x = null', record)).toBe(false);
      expect(matches('x is null', record)).toBe(true);
      expect(matches('x is not null', record)).toBe(false);
      expect(matches('x in (1, null)', record)).toBe(false);
      expect(matches('x not in (1, 2)', record)).toBe(true);
      expect(matches('x', record)).toBe(false);
    });
  }

  it('!= with null on the literal side: true for a value', () => {
    expect(matches('x != null', { x: 3 })).toBe(true);
    expect(matches('x not in (3, null)', { x: 3 })).toBe(false);
    expect(matches('x not in (4, null)', { x: 3 })).toBe(true);
  });
});

describe('kinds of values', () => {
  it('never coerces a string to a number', () => {
    for (const op of ['=', '!=', '<', '<=', '>', '>=']) {
      expect(matches(`x ${op} 1`, { x: '1' }), op).toBe(false);
      expect(matches(`x ${op} '1'`, { x: 1 }), op).toBe(false);
    }
    expect(matches(`x in ('1')`, { x: 1 })).toBe(false);
  });

  it('compares strings as strings', () => {
    expect(matches(`x < 'b'`, { x: 'a' })).toBe(true);
    expect(matches(`x > '10'`, { x: '9' })).toBe(true);
    expect(matches(`x != 'a'`, { x: 'b' })).toBe(true);
  });

  it('compares booleans only for equality', () => {
    expect(matches('x = true', { x: true })).toBe(true);
    expect(matches('x != false', { x: true })).toBe(true);
    expect(matches('x > false', { x: true })).toBe(false);
    expect(matches('x <= true', { x: true })).toBe(true);
    expect(matches('x = 1', { x: true })).toBe(false);
  });
});

describe('64-bit integers stay exact', () => {
  const candid = 1234567890123456789n;

  it('reads integer literals beyond 2^53 as BigInt and compares exactly', () => {
    expect(Number(candid) === Number(candid + 1n)).toBe(true); // a double cannot tell them apart
    expect(matches(`candid = ${candid}`, { candid })).toBe(true);
    expect(matches(`candid = ${candid + 1n}`, { candid })).toBe(false);
    expect(matches(`candid > ${candid - 1n}`, { candid })).toBe(true);
    expect(matches(`candid > ${candid}`, { candid })).toBe(false);
    expect(matches(`candid < ${candid + 1n}`, { candid })).toBe(true);
    expect(matches(`candid in (1, ${candid})`, { candid })).toBe(true);
    expect(matches(`candid in (${candid + 1n})`, { candid })).toBe(false);
    expect(matches(`candid = -${candid}`, { candid: -candid })).toBe(true);
  });

  it('compares BigInt with a double exactly, with no rounding of either', () => {
    const big = 2n ** 60n;
    expect(compareNumeric(big, 2 ** 60)).toBe(0);
    expect(compareNumeric(big + 1n, 2 ** 60)).toBe(1);
    expect(compareNumeric(big - 1n, 2 ** 60)).toBe(-1);
    expect(compareNumeric(2 ** 60, big + 1n)).toBe(-1);
    expect(compareNumeric(3n, 2.5)).toBe(1);
    expect(compareNumeric(2n, 2.5)).toBe(-1);
    expect(compareNumeric(-3n, -2.5)).toBe(-1);
    expect(compareNumeric(-2n, -2.5)).toBe(1);
    expect(compareNumeric(5n, Infinity)).toBe(-1);
    expect(matches('x > 2.5', { x: 3n })).toBe(true);
    expect(matches('x = 3', { x: 3n })).toBe(true);
    expect(matches(`x < ${candid}`, { x: 1e18 })).toBe(true);
  });
});
