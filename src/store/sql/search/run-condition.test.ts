import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../open-database.js';
import { applyRunSearch } from './apply-run-search.js';
import { insertRun, SEARCH_DIALECTS, searchDatabase, stopLocalPostgres } from './search-test-fixtures.js';

afterAll(stopLocalPostgres);

describe.each(SEARCH_DIALECTS)('%s', (dialect) => {
  let sdb: SqlDatabase;
  beforeEach(async () => {
    sdb = await searchDatabase(dialect);
    await insertRun(sdb, {
      id: 'a',
      name: 'Alpha-run',
      userId: 'alice',
      status: 'FINISHED',
      startTime: 100,
      endTime: 200,
      metrics: { acc: 0.5, loss: Number.NaN, 'val loss': 0.1 },
      params: { lr: '0.01', model: 'ResNet', path: 'a_b%c' },
      tags: { team: 'Vision', 'mlflow.source.type': 'LOCAL' },
      datasets: [{ name: 'mnist', digest: 'd1', context: 'training' }],
    });
    await insertRun(sdb, {
      id: 'b',
      name: 'beta-run',
      userId: 'bob',
      status: 'RUNNING',
      startTime: 300,
      endTime: null,
      metrics: { acc: 0.9, loss: 0 },
      params: { lr: '0.1', model: 'resnet', path: 'axb*c' },
      tags: { team: 'vision' },
      datasets: [
        { name: 'mnist', digest: 'd2', context: 'eval' },
        { name: 'cifar', digest: 'd3' },
      ],
    });
    await insertRun(sdb, { id: 'c', name: 'gamma', userId: 'carol', status: 'FAILED', startTime: 200, endTime: 400, metrics: { acc: -2 } });
  });
  afterEach(async () => {
    await sdb.close();
  });

  /** Ids of matching runs, sorted, so only membership is checked here. */
  const ids = async (filter: string) =>
    (await applyRunSearch(sdb.db.selectFrom('runs').select('runs.run_uuid'), { filter, dialect }).execute()).map((r) => r.run_uuid).sort();

  describe('run filters', () => {
    it.each([
      ["run_id = 'a'", ['a']],
      ["attributes.run_id IN ('a', 'c')", ['a', 'c']],
      ["run_id NOT IN ('a', 'c')", ['b']],
      ["run_name = 'gamma'", ['c']],
      ["attributes.`Run name` LIKE '%-run'", ['a', 'b']],
      ["user_id != 'alice'", ['b', 'c']],
      ["status = 'RUNNING'", ['b']],
      ["artifact_uri LIKE '%/b/%'", ['b']],
      ['start_time >= 200', ['b', 'c']],
      ['created < 200', ['a']],
      ['end_time > 100', ['a', 'c']],
      ['end_time != 200', ['c']],
    ])('attribute filter %s', async (filter, expected) => {
      expect(await ids(filter)).toEqual(expected);
    });

    it.each([
      ['metrics.acc > 0.5', ['b']],
      ['metrics.acc >= 0.5', ['a', 'b']],
      ['metrics.acc < 0', ['c']],
      ['metrics.acc <= -2', ['c']],
      ['metrics.acc = 0.9', ['b']],
      ['metrics.acc != 0.9', ['a', 'c']],
      ['metric.acc >= -2.0 AND metrics.acc < 1e-3', ['c']],
      ['metrics.`val loss` < 1', ['a']],
      ['metrics.missing > 0', []],
    ])('metric filter %s', async (filter, expected) => {
      expect(await ids(filter)).toEqual(expected);
    });

    it('never lets the 0 stored for a NaN match, but lets every NaN match !=', async () => {
      expect(await ids('metrics.loss = 0')).toEqual(['b']);
      expect(await ids('metrics.loss <= 0')).toEqual(['b']);
      expect(await ids('metrics.loss > -1')).toEqual(['b']);
      expect(await ids('metrics.loss != 0')).toEqual(['a']);
      expect(await ids('metrics.loss != 5')).toEqual(['a', 'b']);
    });

    it.each([
      ["params.lr = '0.01'", ['a']],
      ["params.lr != '0.01'", ['b']],
      ["param.model LIKE 'Res%'", ['a']],
      ["parameters.model ILIKE 'res%'", ['a', 'b']],
      ["params.model = 'resnet'", ['b']],
      ['params.lr IS NOT NULL', ['a', 'b']],
      ['params.lr IS NULL', ['c']],
      ["params.missing != 'x'", []],
      ["tags.team = 'Vision'", ['a']],
      ["tags.team LIKE 'v%'", ['b']],
      ["tags.team ILIKE 'VISION'", ['a', 'b']],
      ["tags.mlflow.source.type = 'LOCAL'", ['a']],
      ['tags.team IS NULL', ['c']],
      ['tag.`mlflow.source.type` IS NOT NULL', ['a']],
    ])('param and tag filter %s', async (filter, expected) => {
      expect(await ids(filter)).toEqual(expected);
    });

    it('makes LIKE case-sensitive and ILIKE not, as MLflow does (SQLite’s own LIKE ignores case)', async () => {
      expect(await ids("attributes.run_name LIKE 'alpha%'")).toEqual([]);
      expect(await ids("attributes.run_name LIKE 'Alpha%'")).toEqual(['a']);
      expect(await ids("attributes.run_name ILIKE 'ALPHA%'")).toEqual(['a']);
      expect(await ids("run_name = 'alpha-run'")).toEqual([]);
    });

    it('gives LIKE only % and _ as wildcards: *, ?, [ and backslash match themselves', async () => {
      expect(await ids("params.path LIKE 'a_b%'")).toEqual(['a', 'b']);
      expect(await ids("params.path LIKE 'a?b%'")).toEqual([]);
      expect(await ids("params.path LIKE '%*%'")).toEqual(['b']);
      expect(await ids("params.path LIKE 'a[_]b%'")).toEqual([]);
      expect(await ids("params.path LIKE '%\\%c'")).toEqual([]);
      expect(await ids("params.path ILIKE 'A_B_C'")).toEqual(['a', 'b']);
    });

    it.each([
      ["datasets.name = 'mnist'", ['a', 'b']],
      ["dataset.name = 'cifar'", ['b']],
      ["datasets.digest IN ('d1', 'd3')", ['a', 'b']],
      ["datasets.name NOT IN ('mnist')", ['b']],
      ["datasets.context = 'training'", ['a']],
      ["datasets.context LIKE 'ev%'", ['b']],
      ["datasets.context IN ('training', 'eval')", ['a', 'b']],
      ["datasets.name LIKE 'M%'", []],
      ["datasets.name ILIKE 'M%'", ['a', 'b']],
    ])('dataset filter %s', async (filter, expected) => {
      expect(await ids(filter)).toEqual(expected);
    });

    it('ANDs comparisons across kinds', async () => {
      expect(await ids("metrics.acc > 0 AND params.model ILIKE 'resnet' AND tags.team = 'vision' AND datasets.name = 'cifar'")).toEqual(['b']);
      expect(await ids("metrics.acc > 0 AND status = 'FAILED'")).toEqual([]);
    });
  });
});
