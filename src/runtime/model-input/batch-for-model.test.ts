import { describe, expect, it } from 'vitest';
import type { Schema } from '../model-format/ml-model.js';
import { batchForModel, typedColumn } from './batch-for-model.js';
import { tableFromRecords } from './input-table.js';

const schema: Schema = {
  kind: 'columns',
  columns: [
    { name: 'x', type: 'double', required: true, raw: {} },
    { name: 'n', type: 'long', required: true, raw: {} },
    { name: 'label', type: 'string', required: false, raw: {} },
  ],
};

describe('batchForModel', () => {
  it("orders columns by the signature, drops extra ones and types them", () => {
    const batch = batchForModel(tableFromRecords([{ extra: 1, label: 7, n: 2n, x: '1.5' }]), schema, { k: 1 });
    expect(batch.columns).toEqual(['x', 'n', 'label']);
    expect(batch.data).toEqual([Float64Array.of(1.5), Float64Array.of(2), ['7']]);
    expect(batch.params).toEqual({ k: 1 });
  });

  it("refuses a batch missing a required column with MLflow's message", () => {
    expect(() => batchForModel(tableFromRecords([{ x: 1, other: 2 }]), schema)).toThrow(
      "Model is missing inputs ['n']. Note that there were extra inputs: ['other'].",
    );
  });

  it('keeps every column in order without a signature', () => {
    const batch = batchForModel(tableFromRecords([{ b: 'x', a: 1 }]));
    expect(batch).toEqual({ columns: ['b', 'a'], data: [['x'], Float64Array.of(1)], rows: 1 });
  });

  it('makes numbers float64 (null as NaN) and leaves anything else as JSON values', () => {
    expect(typedColumn([1, null, 3n])).toEqual(Float64Array.of(1, Number.NaN, 3));
    expect(typedColumn([true, false], 'boolean')).toEqual(Float64Array.of(1, 0));
    expect(typedColumn([true, false])).toEqual([true, false]);
    expect(typedColumn([1, 'a'], 'double')).toEqual([1, 'a']);
    expect(typedColumn([2n ** 60n + 1n, Buffer.from('hi')])).toEqual(['1152921504606846977', 'aGk=']);
    expect(typedColumn([[1, 2], { a: 3n }])).toEqual([[1, 2], { a: 3 }]);
  });
});
