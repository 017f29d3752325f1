import { describe, expect, it } from 'vitest';
import type { Schema } from '../model-format/ml-model.js';
import { parseCsv, tableFromCsv } from './csv-table.js';

describe('CSV input', () => {
  it('splits quoted fields holding commas, quotes and newlines', () => {
    expect(parseCsv('a,b\r\n"x, ""y""","1\n2"\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', '1\n2'],
    ]);
  });

  it('infers numbers, booleans and text per column as pandas does; empty cells are missing', () => {
    expect(tableFromCsv(',x,flag,name\n0,1.5,True,a\n1,,False,\n')).toEqual({
      names: ['Unnamed: 0', 'x', 'flag', 'name'],
      columns: [
        [0, 1],
        [1.5, null],
        [true, false],
        ['a', null],
      ],
      rows: 2,
    });
  });

  it("keeps a string column of the signature as text", () => {
    const schema: Schema = { kind: 'columns', columns: [{ name: 'id', type: 'string', required: true, raw: {} }] };
    expect(tableFromCsv('id\n007\n', schema).columns).toEqual([['007']]);
  });

  it("refuses ragged rows with MLflow's words", () => {
    expect(() => tableFromCsv('a,b\n1\n')).toThrow('Failed to parse input as a Pandas DataFrame');
  });
});
