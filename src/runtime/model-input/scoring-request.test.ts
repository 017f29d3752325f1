import { describe, expect, it } from 'vitest';
import type { Schema } from '../model-format/ml-model.js';
import { parseScoringJson } from './scoring-request.js';

const table = (text: string, schema?: Schema) => parseScoringJson(text, schema).table;
const oneColumn: Schema = { kind: 'columns', columns: [{ name: 'x', type: 'double', required: true, raw: {} }] };

describe("MLflow's scoring request formats", () => {
  it('reads dataframe_split, with or without columns and index', () => {
    expect(table('{"dataframe_split": {"columns": ["a", "b"], "index": [5, 6], "data": [[1, "x"], [2, "y"]]}}')).toEqual({
      names: ['a', 'b'],
      columns: [
        [1, 2],
        ['x', 'y'],
      ],
      rows: 2,
    });
    expect(table('{"dataframe_split": {"data": [[1, 2]]}}').names).toEqual(['0', '1']);
  });

  it('reads dataframe_records (missing keys are null) and rows of lists', () => {
    expect(table('{"dataframe_records": [{"a": 1}, {"b": 2, "a": 3}]}')).toEqual({ names: ['a', 'b'], columns: [[1, 3], [null, 2]], rows: 2 });
    expect(table('{"dataframe_records": [[1, 2], [3, 4]]}').columns).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it('reads instances and inputs as records, column mappings, rows, or values of a single-column model', () => {
    expect(table('{"instances": [{"a": 1}, {"a": 2}]}').columns).toEqual([[1, 2]]);
    expect(table('{"inputs": {"a": [1, 2], "b": ["x", "y"]}}').names).toEqual(['a', 'b']);
    expect(table('{"inputs": [[1, 2], [3, 4]]}').rows).toBe(2);
    expect(table('{"inputs": [1, 2, 3]}', oneColumn)).toEqual({ names: ['x'], columns: [[1, 2, 3]], rows: 3 });
  });

  it('keeps params that are a mapping', () => {
    expect(parseScoringJson('{"inputs": {"a": [1]}, "params": {"k": 2}}').params).toEqual({ k: 2 });
    expect(parseScoringJson('{"inputs": {"a": [1]}, "params": 3}').params).toBeUndefined();
    expect(() => parseScoringJson('{"inputs": {"a": [1]}, "params": 3}', undefined, { declaresParams: true })).toThrow("Got type 'int'");
  });

  it.each([
    ['not json', 'Ensure that input is a valid JSON formatted string'],
    ['[{"a": 1}]', 'Received a list.'],
    ['{"dataframe_split": {"data": []}, "instances": []}', "Received dictionary with input fields: ['dataframe_split', 'instances']"],
    ['{"data": []}', 'Received dictionary with input fields: []'],
    ['{"dataframe_split": [[1]]}', 'Dataframe split format must be a dictionary. Got list.'],
    ['{"dataframe_split": {"data": [], "dtype": "x"}}', "must have 'data' field"],
    ['{"dataframe_records": {"a": 1}}', 'Dataframe records format must be a list of records. Got dictionary.'],
    ['{"instances": [{"a": 1}, {"a": 2, "b": 3}]}', 'The length of values for each input/column name are not the same'],
    ['{"inputs": {"a": [1], "b": [1, 2]}}', 'The length of values for each input/column name are not the same'],
  ])('refuses %s with BAD_REQUEST', (text, message) => {
    expect(() => parseScoringJson(text)).toThrow(message);
    try {
      parseScoringJson(text);
    } catch (err) {
      expect((err as { code: string }).code).toBe('BAD_REQUEST');
    }
  });

  it('takes a bare list of records only when asked to', () => {
    expect(parseScoringJson('[{"a": 1}]', undefined, { allowList: true }).table.rows).toBe(1);
  });
});
