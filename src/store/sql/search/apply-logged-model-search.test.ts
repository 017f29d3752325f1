import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../open-database.js';
import { applyLoggedModelSearch, type LoggedModelSearchOptions } from './apply-logged-model-search.js';
import { insertModel, searchDatabase } from './search-test-fixtures.js';

let sdb: SqlDatabase;
beforeEach(async () => {
  sdb = await searchDatabase();
  await insertModel(sdb, {
    id: 'm1',
    name: 'Classifier',
    status: 'LOGGED_MODEL_READY',
    modelType: 'sklearn',
    sourceRunId: 'run1',
    creationTime: 100,
    params: { alpha: '0.1' },
    tags: { stage: 'dev' },
    metrics: [
      { key: 'acc', value: 0.7, timestamp: 1, dataset: ['eval', 'd1'] },
      { key: 'acc', value: 0.95, timestamp: 2, dataset: ['train', 'd2'] },
    ],
  });
  await insertModel(sdb, {
    id: 'm2',
    name: 'classifier-v2',
    status: 'LOGGED_MODEL_PENDING',
    creationTime: 300,
    params: { alpha: '0.5' },
    metrics: [
      { key: 'acc', value: 0.8, timestamp: 5, dataset: ['eval', 'd1'] },
      { key: 'acc', value: 0.6, timestamp: 9, dataset: ['eval', 'd1'] },
      { key: 'loss', value: Number.NaN },
    ],
  });
  await insertModel(sdb, { id: 'm3', name: 'regressor', status: 'LOGGED_MODEL_UPLOAD_FAILED', modelType: 'torch', creationTime: 200 });
});
afterEach(async () => {
  await sdb.close();
});

const search = async (options: LoggedModelSearchOptions) =>
  (await applyLoggedModelSearch(sdb.db.selectFrom('logged_models').select('logged_models.model_id'), options).execute()).map(
    (r) => r.model_id,
  );
const ids = async (filter: string, datasets?: LoggedModelSearchOptions['datasets']) => (await search({ filter, datasets })).sort();

describe('applyLoggedModelSearch', () => {
  it('orders by creation time, newest first, then model id, by default', async () => {
    expect(await search({})).toEqual(['m2', 'm3', 'm1']);
  });

  it.each([
    ["name = 'Classifier'", ['m1']],
    ["name LIKE 'class%'", ['m2']],
    ["name ILIKE 'class%'", ['m1', 'm2']],
    ["model_id IN ('m1', 'm3')", ['m1', 'm3']],
    ["model_type != 'torch'", ['m1']],
    ["source_run_id = 'run1'", ['m1']],
    ['creation_time > 150', ['m2', 'm3']],
    ['creation_timestamp <= 200', ['m1', 'm3']],
    ['last_updated_timestamp = 300', ['m2']],
    ["params.alpha = '0.5'", ['m2']],
    ["params.alpha IN ('0.1', '0.5')", ['m1', 'm2']],
    ["tags.stage LIKE 'd%'", ['m1']],
    ["name = 'x'' OR ''1''=''1'", []],
  ])('filters %s', async (filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });

  it('filters status by MLflow’s names, or by the stored proto names', async () => {
    expect(await ids("status = 'READY'")).toEqual(['m1']);
    expect(await ids("status = 'LOGGED_MODEL_READY'")).toEqual(['m1']);
    expect(await ids("status IN ('PENDING', 'FAILED')")).toEqual(['m2', 'm3']);
    expect(await ids("status != 'READY'")).toEqual(['m2', 'm3']);
    expect(await ids("status LIKE 'PEND%'")).toEqual(['m2']);
  });

  it('matches a metric when any of its logged values does, NaN never (except !=)', async () => {
    expect(await ids('metrics.acc > 0.9')).toEqual(['m1']);
    expect(await ids('metrics.acc < 0.65')).toEqual(['m2']);
    expect(await ids('metrics.loss = 0')).toEqual([]);
    expect(await ids('metrics.loss != 0')).toEqual(['m2']);
  });

  it('restricts metric comparisons to the searched datasets', async () => {
    expect(await ids('metrics.acc > 0.9', [{ dataset_name: 'eval' }])).toEqual([]);
    expect(await ids('metrics.acc > 0.9', [{ dataset_name: 'train', dataset_digest: 'd2' }])).toEqual(['m1']);
    expect(await ids('metrics.acc > 0.9', [{ dataset_name: 'train', dataset_digest: 'other' }])).toEqual([]);
    expect(await ids('metrics.acc >= 0.7', [{ dataset_name: 'eval' }, { dataset_name: 'train' }])).toEqual(['m1', 'm2']);
  });

  it('with datasets and no metric comparison, keeps models with some metric on them', async () => {
    expect(await ids('', [{ dataset_name: 'eval' }])).toEqual(['m1', 'm2']);
    expect(await ids("name != 'x'", [{ dataset_name: 'train' }])).toEqual(['m1']);
  });

  it('orders by the latest value of a metric, on a dataset if given, missing last both ways', async () => {
    expect(await search({ orderBy: [{ field_name: 'metrics.acc', ascending: true }] })).toEqual(['m2', 'm1', 'm3']);
    expect(await search({ orderBy: [{ field_name: 'metrics.acc', ascending: false }] })).toEqual(['m1', 'm2', 'm3']);
    const onEval = [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'eval' }];
    expect(await search({ orderBy: onEval })).toEqual(['m1', 'm2', 'm3']);
    expect(await search({ orderBy: [{ field_name: 'metrics.loss' }] })).toEqual(['m2', 'm3', 'm1']);
  });

  it('orders by attributes, missing values last both ways, status by MLflow’s codes', async () => {
    expect(await search({ orderBy: [{ field_name: 'model_type' }] })).toEqual(['m1', 'm3', 'm2']);
    expect(await search({ orderBy: [{ field_name: 'model_type', ascending: false }] })).toEqual(['m3', 'm1', 'm2']);
    expect(await search({ orderBy: [{ field_name: 'creation_time' }] })).toEqual(['m1', 'm3', 'm2']);
    expect(await search({ orderBy: [{ field_name: 'status' }] })).toEqual(['m2', 'm1', 'm3']);
    expect(await search({ orderBy: [{ field_name: 'name', ascending: false }] })).toEqual(['m3', 'm2', 'm1']);
  });

  it('refuses what MLflow refuses', () => {
    const qb = sdb.db.selectFrom('logged_models').selectAll();
    expect(() => applyLoggedModelSearch(qb, { orderBy: [{ field_name: 'params.alpha' }] })).toThrow(/only `metrics.<name>` is allowed/);
    expect(() => applyLoggedModelSearch(qb, { datasets: [{ dataset_digest: 'x' }] })).toThrow(/`dataset_name` in the `datasets` clause/);
    expect(() => applyLoggedModelSearch(qb, { filter: 'metrics.acc LIKE 1' })).toThrow(/^Invalid comparator 'LIKE'/);
  });
});
