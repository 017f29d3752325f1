import { describe, expect, it } from 'vitest';
import { parseRunFilter, parseRunOrderBy } from './run-search.js';

const one = (filter: string) => parseRunFilter(filter)[0]!;

describe('parseRunFilter: prefixes and aliases', () => {
  it.each([
    ['metric', 'metric'],
    ['metrics', 'metric'],
    ['param', 'param'],
    ['params', 'param'],
    ['parameter', 'param'],
    ['parameters', 'param'],
    ['tag', 'tag'],
    ['tags', 'tag'],
  ])('%s.<key> names a %s', (prefix, entity) => {
    const value = entity === 'metric' ? '1' : "'v'";
    expect(one(`${prefix}.k = ${value}`).key).toEqual({ entity, name: 'k' });
  });

  it.each(['attribute', 'attributes', 'attr', 'run'])('%s.<key> names an attribute, as does a bare key', (prefix) => {
    expect(one(`${prefix}.status = 'FINISHED'`).key).toEqual({ entity: 'attribute', name: 'status' });
    expect(one(`status = 'FINISHED'`).key).toEqual({ entity: 'attribute', name: 'status' });
  });

  it.each([
    ['run_id', 'run_id'],
    ['run_name', 'run_name'],
    ['`run name`', 'run_name'],
    ['"Run name"', 'run_name'],
    ['attributes.`Run Name`', 'run_name'],
    ['user_id', 'user_id'],
    ['status', 'status'],
    ['artifact_uri', 'artifact_uri'],
  ])('string attribute %s resolves to %s', (key, name) => {
    expect(one(`${key} = 'x'`)).toEqual({ type: 'string', key: { entity: 'attribute', name }, op: '=', value: 'x' });
  });

  it.each([
    ['start_time', 'start_time'],
    ['created', 'start_time'],
    ['Created', 'start_time'],
    ['end_time', 'end_time'],
  ])('numeric attribute %s resolves to %s and takes numbers', (key, name) => {
    expect(one(`${key} >= 1700000000000`)).toEqual({ type: 'number', key: { entity: 'attribute', name }, op: '>=', value: 1700000000000 });
  });

  it.each(['dataset', 'datasets'])('%s.name, .digest and .context name dataset fields', (prefix) => {
    expect(parseRunFilter(`${prefix}.name = 'a' AND ${prefix}.digest LIKE 'b%' AND ${prefix}.context IN ('train')`).map((c) => c.key)).toEqual([
      { entity: 'dataset', name: 'name' },
      { entity: 'dataset', name: 'digest' },
      { entity: 'dataset', name: 'context' },
    ]);
  });

  it('reads quoted keys holding spaces, dots and quotes', () => {
    expect(one('metrics.`my metric` > 0').key.name).toBe('my metric');
    expect(one('metrics."val.loss" < 1').key.name).toBe('val.loss');
    expect(one("params.`it's` = 'x'").key.name).toBe("it's");
    expect(one('tags."say ""hi""" = \'x\'').key.name).toBe('say "hi"');
    expect(one("tags.mlflow.source.type = 'LOCAL'").key.name).toBe('mlflow.source.type');
  });

  it('reads numbers such as 1e-3 and -2 for metrics', () => {
    expect(one('metrics.loss < 1e-3')).toMatchObject({ type: 'number', value: 0.001 });
    expect(one('metrics.delta >= -2')).toMatchObject({ type: 'number', value: -2 });
    expect(one('metrics.x != .5')).toMatchObject({ type: 'number', op: '!=', value: 0.5 });
  });

  it('keeps a value with SQL in it as a plain string', () => {
    expect(one("params.x = 'a'' OR 1=1 --'")).toMatchObject({ type: 'string', value: "a' OR 1=1 --" });
    expect(one('tags."a;DROP TABLE runs" = \'x\'').key.name).toBe('a;DROP TABLE runs');
  });

  it('reads IN lists for run_id and datasets, IS NULL for params and tags', () => {
    expect(one("run_id IN ('a', 'b')")).toEqual({ type: 'list', key: { entity: 'attribute', name: 'run_id' }, op: 'IN', values: ['a', 'b'] });
    expect(one("datasets.name NOT IN ('x')")).toMatchObject({ type: 'list', op: 'NOT IN', values: ['x'] });
    expect(one('params.p IS NULL')).toEqual({ type: 'null', key: { entity: 'param', name: 'p' }, op: 'IS NULL' });
    expect(one('tags.t IS NOT NULL')).toMatchObject({ type: 'null', op: 'IS NOT NULL' });
  });
});

describe('parseRunFilter: MLflow rules, with positions', () => {
  it.each([
    ['metrics.m LIKE 1', /^Invalid comparator 'LIKE' not one of '\{'=', '!=', '>', '>=', '<', '<='\}' \(in filter 'metrics.m LIKE 1': at position 10/],
    ["params.p > 'a'", /^Invalid comparator '>' not one of .*at position 9/],
    ["tags.t >= 'a'", /^Invalid comparator '>=' not one of/],
    ["status < 'a'", /^Invalid comparator '<' not one of/],
    ["start_time LIKE '1%'", /^Invalid comparator 'LIKE' not one of/],
    ["datasets.name > 'a'", /^Invalid comparator '>' not one of/],
    ["params.p IN ('a')", /^Invalid comparator 'IN' not one of/],
    ["status IN ('a')", /^Only \['run_id'\] attributes support comparison with a list of quoted string values\. \(.*at position 7/],
    ['metrics.m IS NULL', /^IS NULL \/ IS NOT NULL is only supported for params and tags, not for 'metric' 'm'.*at position 10/],
    ['status IS NOT NULL', /^IS NULL \/ IS NOT NULL is only supported for params and tags, not for 'attribute' 'status'/],
  ])('refuses %s', (filter, message) => {
    expect(() => parseRunFilter(filter)).toThrow(message);
  });

  it('says which value type a key needs', () => {
    expect(() => parseRunFilter("metrics.m = '1'")).toThrow(/^Expected numeric value type for metric\. Found '1' .*at position 12, expected a number/);
    expect(() => parseRunFilter("start_time > 'x'")).toThrow(/^Expected numeric value type for numeric attribute: start_time\. Found 'x'/);
    expect(() => parseRunFilter('params.p = 1')).toThrow(/^Expected a quoted string value for parameter \(e\.g\. 'my-value'\)\. Got value 1 .*at position 11/);
    expect(() => parseRunFilter('tags.t = 2')).toThrow(/^Expected a quoted string value for tag/);
    expect(() => parseRunFilter('status = 2')).toThrow(/^Expected a quoted string value for attributes/);
    expect(() => parseRunFilter("datasets.name = 2")).toThrow(/^Expected a quoted string value for dataset attributes/);
  });

  it('refuses unknown prefixes and keys, saying where', () => {
    expect(() => parseRunFilter("foo.x = 'a'")).toThrow(
      /^Invalid entity type 'foo'\. Valid values are \['metric', 'parameter', 'tag', 'attribute', 'dataset'\] \(in filter .*at position 0/,
    );
    expect(() => parseRunFilter("METRICS.x = 1")).toThrow(/^Invalid entity type 'METRICS'/);
    expect(() => parseRunFilter("attributes.lifecycle_stage = 'active'")).toThrow(
      /^Invalid attribute key 'lifecycle_stage' specified\. Valid keys are .*at position 11, expected a valid attribute key, found 'lifecycle_stage'/,
    );
    expect(() => parseRunFilter("datasets.source = 'x'")).toThrow(/^Invalid dataset key 'source' specified/);
    expect(() => parseRunFilter("constructor = 'x'")).toThrow(/^Invalid attribute key 'constructor'/);
    expect(() => parseRunFilter("__proto__.x = 'x'")).toThrow(/^Invalid entity type '__proto__'/);
  });

  it('reports the position of the failing clause, not the first', () => {
    expect(() => parseRunFilter("metrics.a > 1 AND params.b > 'x'")).toThrow(/at position 27/);
  });
});

describe('parseRunOrderBy', () => {
  it('reads keys with directions in any case, ascending by default', () => {
    expect(parseRunOrderBy(['metrics.accuracy DESC', 'attributes.start_time ASC', 'params."batch size"', 'tags.`a b` desc'])).toEqual([
      { key: { entity: 'metric', name: 'accuracy' }, ascending: false },
      { key: { entity: 'attribute', name: 'start_time' }, ascending: true },
      { key: { entity: 'param', name: 'batch size' }, ascending: true },
      { key: { entity: 'tag', name: 'a b' }, ascending: false },
    ]);
    expect(parseRunOrderBy(['created desc', 'run_name'])).toEqual([
      { key: { entity: 'attribute', name: 'start_time' }, ascending: false },
      { key: { entity: 'attribute', name: 'run_name' }, ascending: true },
    ]);
    expect(parseRunOrderBy(undefined)).toEqual([]);
  });

  it('refuses malformed clauses in MLflow words, with positions', () => {
    expect(() => parseRunOrderBy(['metrics.a DESC ASC'])).toThrow(
      "Invalid order_by clause 'metrics.a DESC ASC'. Could not be parsed. (in order_by clause 'metrics.a DESC ASC': at position 15, expected the end of the clause, found 'ASC')",
    );
    expect(() => parseRunOrderBy(['metrics.a sideways'])).toThrow(/^Invalid ordering key in order_by clause 'metrics.a sideways'\..*at position 10/);
    expect(() => parseRunOrderBy([''])).toThrow(/^Invalid order_by clause ''\. Could not be parsed\..*found the end of the order_by clause/);
    expect(() => parseRunOrderBy(['metrics.a > 1'])).toThrow(/^Invalid ordering key/);
    expect(() => parseRunOrderBy(['foo.a'])).toThrow(/^Invalid entity type 'foo'/);
    expect(() => parseRunOrderBy(['lifecycle_stage'])).toThrow(/^Invalid attribute key 'lifecycle_stage'/);
    expect(() => parseRunOrderBy(['datasets.name'])).toThrow(/^Invalid order_by entity: dataset/);
  });

  it('refuses a key named twice, aliases included', () => {
    expect(() => parseRunOrderBy(['created', 'start_time DESC'])).toThrow(
      /^`order_by` contains duplicate fields: \['created', 'start_time DESC'\] \(in order_by list 'created, start_time DESC': at position 9/,
    );
  });
});
