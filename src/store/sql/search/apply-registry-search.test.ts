import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../open-database.js';
import { applyModelVersionSearch } from './apply-model-version-search.js';
import { applyRegisteredModelSearch, type RegistrySearchOptions } from './apply-registered-model-search.js';
import { insertModelVersion, insertRegisteredModel } from './registry-test-fixtures.js';
import { searchDatabase } from './search-test-fixtures.js';

let sdb: SqlDatabase;
beforeEach(async () => {
  sdb = await searchDatabase();
  await insertRegisteredModel(sdb, { id: 1, name: 'Alpha', updated: 300, tags: { team: 'vision' } });
  await insertRegisteredModel(sdb, { id: 2, name: 'beta', updated: 100, tags: { team: 'Vision' } });
  await insertRegisteredModel(sdb, { id: 3, name: 'my-prompt', updated: 200, tags: { 'mlflow.prompt.is_prompt': 'true' } });
  await insertRegisteredModel(sdb, { id: 4, name: 'gamma', updated: 300 });
  await insertModelVersion(sdb, { modelId: 1, version: 1, runId: 'r1', source: 'runs:/r1/model', updated: 10 });
  await insertModelVersion(sdb, { modelId: 1, version: 2, runId: 'r2', updated: 30, tags: { stage: 'prod' } });
  await insertModelVersion(sdb, { modelId: 2, version: 1, runId: 'r1', updated: 30 });
  await insertModelVersion(sdb, { modelId: 3, version: 1, updated: 40, tags: { 'mlflow.prompt.is_prompt': 'true' } });
});
afterEach(async () => {
  await sdb.close();
});

const models = async (options: RegistrySearchOptions) =>
  (await applyRegisteredModelSearch(sdb.db.selectFrom('registered_models').select('registered_models.name'), options).execute()).map((r) => r.name);

const versions = async (options: RegistrySearchOptions) =>
  (
    await applyModelVersionSearch(
      sdb.db
        .selectFrom('model_versions')
        .innerJoin('registered_models', 'registered_models.registered_model_id', 'model_versions.registered_model_id')
        .select(['registered_models.name', 'model_versions.version']),
      options,
    ).execute()
  ).map((r) => `${r.name}/${r.version}`);

describe('applyRegisteredModelSearch', () => {
  it('orders by name by default and leaves prompts out', async () => {
    expect(await models({})).toEqual(['Alpha', 'beta', 'gamma']);
  });

  it('orders by the last update, ties by name', async () => {
    expect(await models({ orderBy: ['timestamp DESC'] })).toEqual(['Alpha', 'gamma', 'beta']);
    expect(await models({ orderBy: ['last_updated_timestamp ASC', 'name DESC'] })).toEqual(['beta', 'gamma', 'Alpha']);
  });

  it.each([
    ["name = 'Alpha'", ['Alpha']],
    ["name LIKE 'a%'", []],
    ["name ILIKE 'a%'", ['Alpha']],
    ["name IN ('beta', 'gamma', 'my-prompt')", ['beta', 'gamma']],
    ["name NOT IN ('beta')", ['Alpha', 'gamma']],
    ["tags.team = 'vision'", ['Alpha']],
    ["tags.team ILIKE 'VISION'", ['Alpha', 'beta']],
    ["tags.team != 'vision'", ['beta']],
    ["tags.`mlflow.prompt.is_prompt` = 'false'", ['Alpha', 'beta', 'gamma']],
    ["tags.`mlflow.prompt.is_prompt` = 'true'", ['my-prompt']],
    ["name = 'x'' OR 1=1 --'", []],
  ])('filters %s', async (filter, expected) => {
    expect(await models({ filter })).toEqual(expected);
  });
});

describe('applyModelVersionSearch', () => {
  it("orders by MLflow's default: last update DESC, name, version DESC, leaving prompts out", async () => {
    expect(await versions({})).toEqual(['Alpha/2', 'beta/1', 'Alpha/1']);
  });

  it('breaks ties by name then version DESC', async () => {
    expect(await versions({ orderBy: ['creation_timestamp'] })).toEqual(['Alpha/2', 'Alpha/1', 'beta/1']);
    expect(await versions({ orderBy: ['version_number ASC'] })).toEqual(['Alpha/1', 'beta/1', 'Alpha/2']);
  });

  it.each([
    ["name = 'Alpha'", ['Alpha/2', 'Alpha/1']],
    ["name IN ('beta')", ['beta/1']],
    ['version_number = 2', ['Alpha/2']],
    ["version_number <= '1'", ['beta/1', 'Alpha/1']],
    ["run_id = 'r1'", ['beta/1', 'Alpha/1']],
    ["run_id NOT IN ('r1')", ['Alpha/2']],
    ["source_path LIKE 'runs:/%'", ['Alpha/1']],
    ["tags.stage = 'prod'", ['Alpha/2']],
    ["tags.`mlflow.prompt.is_prompt` = 'true'", ['my-prompt/1']],
  ])('filters %s', async (filter, expected) => {
    expect(await versions({ filter })).toEqual(expected);
  });
});
