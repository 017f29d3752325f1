import { describe, expect, it } from 'vitest';
import { decodeTable, encodeTable } from './batch-codec.js';

describe('batch codec', () => {
  it('round-trips float64 and JSON columns, with 8-aligned numeric sections', () => {
    const table = {
      columns: ['flux', 'band', 'flag'],
      data: [new Float64Array([1.5, -0, Number.NaN, 1e300]), ['g', 'r', null, 'i'], [true, false, true, null]],
      rows: 4,
    };
    const payload = encodeTable(table);
    const decoded = decodeTable(payload);
    expect(decoded.columns).toEqual(table.columns);
    expect(decoded.rows).toBe(4);
    expect(Array.from(decoded.data[0] as Float64Array)).toEqual([1.5, -0, Number.NaN, 1e300]);
    expect(decoded.data.slice(1)).toEqual(table.data.slice(1));
    const headerEnd = 4 + payload.readUInt32LE(0);
    expect(payload.readDoubleLE((headerEnd + 7) & ~7)).toBe(1.5);
  });

  it('decodes from an unaligned buffer and keeps extra header fields', () => {
    const payload = encodeTable({ columns: ['x'], data: [new Float64Array([3, 4])], rows: 2, meta: { predict_ms: 1.5 } });
    const shifted = Buffer.concat([Buffer.alloc(3), payload]).subarray(3);
    const decoded = decodeTable(shifted);
    expect(Array.from(decoded.data[0] as Float64Array)).toEqual([3, 4]);
    expect(decoded.meta).toEqual({ predict_ms: 1.5 });
  });

  it('encodes a subarray view of a larger Float64Array', () => {
    const whole = new Float64Array([0, 1, 2, 3, 4, 5]);
    const decoded = decodeTable(encodeTable({ columns: ['x'], data: [whole.subarray(2, 5)], rows: 3 }));
    expect(Array.from(decoded.data[0] as Float64Array)).toEqual([2, 3, 4]);
  });

  it('refuses columns of the wrong length and truncated payloads', () => {
    expect(() => encodeTable({ columns: ['x'], data: [new Float64Array(2)], rows: 3 })).toThrow(/2 values for 3 rows/);
    const payload = encodeTable({ columns: ['x'], data: [new Float64Array(100)], rows: 100 });
    expect(() => decodeTable(payload.subarray(0, payload.length - 8))).toThrow(/runs past the end/);
  });
});
