import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../common/mlflow-error.js';
import { MAX_FILTER_CONDITIONS, MAX_FILTER_LIST_VALUES, parseFilter } from './parse-filter.js';

const first = (text: string) => parseFilter(text)[0]!;

describe('parseFilter', () => {
  it('gives nothing for an empty or blank filter', () => {
    expect(parseFilter('')).toEqual([]);
    expect(parseFilter('   ')).toEqual([]);
  });

  it.each(['=', '!=', '>', '>=', '<', '<='])('reads the %s comparator', (op) => {
    expect(first(`metrics.m ${op} 1`)).toMatchObject({ op, value: { type: 'number', value: 1 } });
  });

  it.each([
    ["params.p LIKE 'a%'", 'LIKE'],
    ["params.p like 'a%'", 'LIKE'],
    ["params.p ILIKE 'a%'", 'ILIKE'],
    ["params.p iLike 'a%'", 'ILIKE'],
  ])('reads %s as %s, keywords in any case', (text, op) => {
    expect(first(text)).toMatchObject({ op, value: { type: 'string', value: 'a%' } });
  });

  it('reads IN and NOT IN with lists of single- or double-quoted strings, a trailing comma allowed', () => {
    expect(first("run_id IN ('a', \"b\")")).toMatchObject({ op: 'IN', value: { type: 'list', values: ['a', 'b'] } });
    expect(first("run_id not in ('a',)")).toMatchObject({ op: 'NOT IN', value: { type: 'list', values: ['a'] } });
  });

  it('reads IS NULL and IS NOT NULL, which take no value', () => {
    expect(first('tags.t IS NULL')).toMatchObject({ op: 'IS NULL', value: { type: 'none' } });
    expect(first('tags.t is not null')).toMatchObject({ op: 'IS NOT NULL', value: { type: 'none' } });
  });

  it('splits keys into prefix and name, keeping positions', () => {
    expect(first('tags.mlflow.runName = "x"').key).toEqual({
      prefix: 'tags',
      prefixPosition: 0,
      name: 'mlflow.runName',
      position: 5,
      text: 'tags.mlflow.runName',
    });
    expect(first('status = "FINISHED"').key).toEqual({ name: 'status', position: 0, text: 'status' });
    expect(first('"run name" = \'x\'').key).toEqual({ name: 'run name', position: 0, text: '"run name"' });
    expect(first("metrics.`it's \"odd\"` > 0").key).toMatchObject({ prefix: 'metrics', name: 'it\'s "odd"' });
  });

  it('joins comparisons with AND, in any case', () => {
    const parsed = parseFilter("metrics.a > 1 AND params.b = 'x' and tags.c != 'y'");
    expect(parsed.map((c) => c.key.name)).toEqual(['a', 'b', 'c']);
  });

  it('does not read keywords inside quoted values or keys', () => {
    expect(first("params.p = 'x AND y'")).toMatchObject({ value: { value: 'x AND y' } });
    expect(first("params.`AND` = 'x'").key.name).toBe('AND');
  });

  it('reports a wrong comparator with its position and the comparators expected', () => {
    expect(() => parseFilter('metrics.acc >> 1')).toThrow(
      "Invalid filter 'metrics.acc >> 1': at position 12, expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL), found '>>'",
    );
    expect(() => parseFilter('metrics.acc <> 1')).toThrow(/at position 12, expected a comparator .* found '<>'/);
    expect(() => parseFilter('metrics.acc 1')).toThrow(/at position 12, expected a comparator .* found '1'/);
  });

  it('refuses OR, parentheses and anything after a complete comparison, in MLflow words', () => {
    expect(() => parseFilter("metrics.a > 1 OR params.b = 'x'")).toThrow(
      /^Invalid clause\(s\) in filter string: 'OR params.b = 'x'' \(in filter .*: at position 14, expected AND or the end of the filter, found 'OR'\)$/,
    );
    expect(() => parseFilter('(metrics.a > 1)')).toThrow(/at position 0, expected a key/);
    expect(() => parseFilter("tags.t = 'a' b")).toThrow(/Invalid clause\(s\) in filter string.*at position 13/);
  });

  it('reports a missing or unquoted value', () => {
    expect(() => parseFilter('params.p = ')).toThrow(/at position 11, expected a value \(a quoted string or a number\), found the end of the filter/);
    expect(() => parseFilter('params.p = abc')).toThrow(/at position 11, expected a value .* found 'abc'/);
    expect(() => parseFilter('params.p = `abc`')).toThrow(/at position 11, expected a value/);
  });

  it('reports a dangling AND', () => {
    expect(() => parseFilter('metrics.a = 1 AND')).toThrow(/at position 17, expected a key .* found the end of the filter/);
    expect(() => parseFilter('AND metrics.a = 1')).toThrow(/at position 0, expected a key .* found 'AND'/);
  });

  it('reports malformed lists', () => {
    expect(() => parseFilter("run_id IN 'a'")).toThrow(/at position 10, expected a parenthesized list/);
    expect(() => parseFilter('run_id IN ()')).toThrow(/at position 11, expected a non-empty list of quoted strings, found '\)'/);
    expect(() => parseFilter("run_id IN ('a' 'b')")).toThrow(/at position 15, expected ',' or '\)'/);
    expect(() => parseFilter("run_id IN ('a', 1)")).toThrow(/at position 16, expected a quoted string, found '1'/);
    expect(() => parseFilter("run_id IN ('a'")).toThrow(/at position 14, expected ',' or '\)', found the end of the filter/);
  });

  it('reports NOT and IS not followed by what they need', () => {
    expect(() => parseFilter("params.p NOT LIKE 'x'")).toThrow(/at position 13, expected IN after NOT/);
    expect(() => parseFilter('params.p IS EMPTY')).toThrow(/at position 12, expected NULL or NOT NULL after IS, found 'EMPTY'/);
    expect(() => parseFilter('params.p IS NOT 1')).toThrow(/at position 16, expected NULL after IS NOT/);
  });
});

describe('parseFilter: size limits', () => {
  const anded = (count: number) => Array.from({ length: count }, (_, i) => `metrics.m${i} > ${i}`).join(' AND ');

  it(`reads ${MAX_FILTER_CONDITIONS} conditions and ${MAX_FILTER_LIST_VALUES} list values`, () => {
    expect(parseFilter(anded(MAX_FILTER_CONDITIONS))).toHaveLength(MAX_FILTER_CONDITIONS);
    const half = Array.from({ length: MAX_FILTER_LIST_VALUES / 2 }, (_, i) => `'r${i}'`).join(', ');
    expect(parseFilter(`run_id IN (${half}) AND tags.t NOT IN (${half})`).map((c) => c.value)).toMatchObject([
      { type: 'list', values: { length: MAX_FILTER_LIST_VALUES / 2 } },
      { type: 'list', values: { length: MAX_FILTER_LIST_VALUES / 2 } },
    ]);
  });

  it('refuses more conditions, saying how many there are, the limit and where it is passed', () => {
    const over = anded(MAX_FILTER_CONDITIONS + 1);
    const position = over.indexOf(`metrics.m${MAX_FILTER_CONDITIONS} `);
    expect(() => parseFilter(over)).toThrow(
      `Invalid filter: the filter has ${MAX_FILTER_CONDITIONS + 1} conditions; at most ${MAX_FILTER_CONDITIONS} are allowed (condition ${MAX_FILTER_CONDITIONS + 1} starts at position ${position})`,
    );
    expect(() => parseFilter(anded(1000))).toThrow(/^Invalid filter: the filter has 1000 conditions; at most 200 are allowed/);
    expect(() => parseFilter(anded(1000))).toThrow(MlflowError);
    expect(() => parseFilter(anded(1000))).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });

  it('refuses IN lists holding more values in all', () => {
    const values = (count: number) => Array.from({ length: count }, (_, i) => `'r${i}'`).join(',');
    const over = `run_id IN (${values(MAX_FILTER_LIST_VALUES)}) AND tags.t IN ('a')`;
    expect(() => parseFilter(over)).toThrow(
      `Invalid filter: the IN lists of the filter hold ${MAX_FILTER_LIST_VALUES + 1} values; at most ${MAX_FILTER_LIST_VALUES} are allowed in all`,
    );
    expect(() => parseFilter(`run_id IN (${values(40_000)})`)).toThrow(/hold 40000 values/);
  });
});
