import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../open-database.js';
import { applyExperimentSearch, type ExperimentSearchOptions } from './apply-experiment-search.js';
import { insertExperiment, searchDatabase } from './search-test-fixtures.js';

let sdb: SqlDatabase;
beforeEach(async () => {
  sdb = await searchDatabase();
  // The migration's Default experiment (id 0) is removed so only these rows count.
  await sdb.db.deleteFrom('experiments').execute();
  await insertExperiment(sdb, { id: 1, name: 'Alpha', creationTime: 100, lastUpdateTime: 500, tags: { team: 'vision', owner: 'ann' } });
  await insertExperiment(sdb, { id: 2, name: 'alpha-2', creationTime: 300, lastUpdateTime: 300, tags: { team: 'Vision' } });
  await insertExperiment(sdb, { id: 3, name: 'beta', creationTime: 300, lastUpdateTime: 400 });
  await insertExperiment(sdb, { id: 4, name: "it's", creationTime: 200, lastUpdateTime: 200, tags: { owner: 'bob' } });
});
afterEach(async () => {
  await sdb.close();
});

const search = async (options: ExperimentSearchOptions) =>
  (await applyExperimentSearch(sdb.db.selectFrom('experiments').select('experiments.experiment_id'), options).execute()).map(
    (r) => r.experiment_id,
  );

describe('applyExperimentSearch', () => {
  it("orders by MLflow's default: creation_time DESC, then experiment_id ASC", async () => {
    expect(await search({})).toEqual([2, 3, 4, 1]);
    expect(await search({ orderBy: [] })).toEqual([2, 3, 4, 1]);
  });

  it('breaks ties by experiment_id DESC when the order names no experiment_id', async () => {
    expect(await search({ orderBy: ['creation_time'] })).toEqual([1, 4, 3, 2]);
    expect(await search({ orderBy: ['creation_time', 'experiment_id ASC'] })).toEqual([1, 4, 2, 3]);
    expect(await search({ orderBy: ['name DESC'] })).toEqual([4, 3, 2, 1]);
    expect(await search({ orderBy: ['attribute.last_update_time DESC'] })).toEqual([1, 3, 2, 4]);
  });

  it.each([
    ["name = 'Alpha'", [1]],
    ["name LIKE 'alpha%'", [2]],
    ["name ILIKE 'alpha%'", [1, 2]],
    ["attribute.name != 'beta'", [1, 2, 4]],
    ["name = 'it''s'", [4]],
    ["experiment_id = '3'", [3]],
    ["experiment_id != '3'", [1, 2, 4]],
    ["experiment_id IN ('1', '4')", [1, 4]],
    ["experiment_id NOT IN ('1', '4')", [2, 3]],
    ['creation_time >= 300', [2, 3]],
    ['last_update_time < 400', [2, 4]],
    ["tags.team = 'vision'", [1]],
    ["tags.team ILIKE 'VISION'", [1, 2]],
    ["tags.team != 'vision'", [2]],
    ["tag.owner LIKE 'b%'", [4]],
    ['tags.team IS NULL', [3, 4]],
    ['tags.owner IS NOT NULL', [1, 4]],
    ["tags.team = 'vision' AND tags.owner = 'ann' AND creation_time < 200", [1]],
    ["name = 'x'' OR 1=1 --'", []],
  ])('filters %s', async (filter, expected) => {
    expect((await search({ filter, orderBy: ['experiment_id'] }))).toEqual(expected);
  });

  it('refuses what MLflow refuses', () => {
    const qb = sdb.db.selectFrom('experiments').selectAll();
    expect(() => applyExperimentSearch(qb, { filter: "experiment_id = 'abc'" })).toThrow(/^Invalid experiment ID 'abc'/);
    expect(() => applyExperimentSearch(qb, { orderBy: ['tags.team'] })).toThrow(/^Invalid order_by entity: tag/);
  });
});
