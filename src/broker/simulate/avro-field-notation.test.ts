import { describe, expect, it } from 'vitest';
import { parseFields } from './avro-field-notation.js';

describe('parseFields', () => {
  it('reads the compact field notation', () => {
    expect(parseFields(['a:int b:float? c:long|null', 'd:long@timestamp-micros?'])).toEqual([
      { name: 'a', type: 'int' },
      { name: 'b', type: ['null', 'float'], default: null },
      { name: 'c', type: ['null', 'long'] },
      { name: 'd', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }], default: null },
    ]);
  });
});
