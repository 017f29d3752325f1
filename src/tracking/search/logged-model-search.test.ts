import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_DATASETS, parseLoggedModelDatasets, parseLoggedModelFilter, parseLoggedModelOrderBy } from './logged-model-search.js';

describe('parseLoggedModelFilter', () => {
  it('reads attributes (with their aliases), metrics, params and tags', () => {
    const keys = parseLoggedModelFilter(
      "name = 'm' AND attributes.status IN ('READY') AND creation_time > 5 AND last_updated_time < 9 AND metrics.acc >= 0.5 AND params.lr = '0.1' AND tags.t LIKE 'x%'",
    ).map((c) => c.key);
    expect(keys).toEqual([
      { entity: 'attribute', name: 'name' },
      { entity: 'attribute', name: 'status' },
      { entity: 'attribute', name: 'creation_timestamp' },
      { entity: 'attribute', name: 'last_updated_timestamp' },
      { entity: 'metric', name: 'acc' },
      { entity: 'param', name: 'lr' },
      { entity: 'tag', name: 't' },
    ]);
  });

  it('lets every string key take a list, as MLflow’s SQL store does', () => {
    expect(parseLoggedModelFilter("params.p NOT IN ('a', 'b')")[0]).toMatchObject({ type: 'list', op: 'NOT IN' });
    expect(parseLoggedModelFilter("source_run_id IN ('r')")[0]).toMatchObject({ type: 'list' });
  });

  it('refuses IS NULL, unknown attributes and wrong value types', () => {
    expect(() => parseLoggedModelFilter('tags.t IS NULL')).toThrow(/^Invalid comparator 'IS NULL' not one of/);
    expect(() => parseLoggedModelFilter("artifact_location = 'x'")).toThrow(/^Invalid attribute key 'artifact_location'/);
    expect(() => parseLoggedModelFilter("metrics.a = 'x'")).toThrow(/^Expected numeric value type for metric/);
    expect(() => parseLoggedModelFilter("datasets.name = 'x'")).toThrow(/^Invalid entity type 'datasets'/);
  });
});

describe('parseLoggedModelOrderBy', () => {
  it('reads attributes (with aliases) and metrics.<name> with an optional dataset', () => {
    expect(
      parseLoggedModelOrderBy([
        { field_name: 'creation_time', ascending: false },
        { field_name: 'metrics.acc', dataset_name: 'eval', dataset_digest: 'd1' },
        { field_name: 'metrics.`val loss`' },
        { field_name: 'name' },
      ]),
    ).toEqual([
      { key: { entity: 'attribute', name: 'creation_timestamp' }, ascending: false },
      { key: { entity: 'metric', name: 'acc' }, ascending: true, dataset: { name: 'eval', digest: 'd1' } },
      { key: { entity: 'metric', name: 'val loss' }, ascending: true, dataset: undefined },
      { key: { entity: 'attribute', name: 'name' }, ascending: true },
    ]);
  });

  it('refuses what MLflow refuses', () => {
    expect(() => parseLoggedModelOrderBy([{}])).toThrow('`field_name` in the `order_by` clause must be specified.');
    expect(() => parseLoggedModelOrderBy([{ field_name: 'params.x' }])).toThrow(
      'Invalid order by field name: params, only `metrics.<name>` is allowed.',
    );
    expect(() => parseLoggedModelOrderBy([{ field_name: 'nope' }])).toThrow('Invalid order by field name: nope.');
    expect(() => parseLoggedModelOrderBy([{ field_name: 'metrics.a', dataset_digest: 'd' }])).toThrow(
      '`dataset_digest` can only be specified if `dataset_name` is also specified.',
    );
  });
});

describe('parseLoggedModelDatasets', () => {
  it('needs a name for each dataset', () => {
    expect(parseLoggedModelDatasets([{ dataset_name: 'a' }, { dataset_name: 'b', dataset_digest: 'x' }])).toEqual([
      { name: 'a', digest: undefined },
      { name: 'b', digest: 'x' },
    ]);
    expect(() => parseLoggedModelDatasets([{ dataset_digest: 'x' }])).toThrow('`dataset_name` in the `datasets` clause must be specified.');
  });

  it(`takes at most ${MAX_SEARCH_DATASETS} datasets`, () => {
    const datasets = (count: number) => Array.from({ length: count }, (_, i) => ({ dataset_name: `d${i}` }));
    expect(parseLoggedModelDatasets(datasets(MAX_SEARCH_DATASETS))).toHaveLength(MAX_SEARCH_DATASETS);
    expect(() => parseLoggedModelDatasets(datasets(500))).toThrow(
      `The \`datasets\` clause names 500 datasets; at most ${MAX_SEARCH_DATASETS} are allowed.`,
    );
  });
});
