/**
 * The RegistryStore contract, run against every implementation in store-implementations.ts:
 * MLflow's registry semantics (checked against `mlflow server` 3.17.2 where the REST API shows
 * them) plus what registry-store.ts promises (what mutations return).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateModelVersionInput, RegistryStore } from '../../../src/registry/registry-store.js';
import { startPeerWriter, writeBurst } from './peer-writer.js';
import { errorCodeOf, IMPLEMENTATIONS, stopLocalPostgres, type StoreFixture } from './store-implementations.js';

afterAll(stopLocalPostgres);

describe.each(IMPLEMENTATIONS)('RegistryStore contract: $name', (impl) => {
  let fx: StoreFixture;
  let store: RegistryStore;

  beforeEach(async () => {
    fx = await impl.create();
    store = fx.stores.registry;
  });
  afterEach(async () => {
    await fx.dispose();
  });

  const model = (name: string, tags: Record<string, string> = {}) =>
    store.createRegisteredModel(name, { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
  const version = async (name: string, extra: Partial<CreateModelVersionInput> = {}) =>
    (await store.createModelVersion({ name, source: `s3://bucket/${name}`, storageLocation: `s3://bucket/${name}/files`, tags: [], ...extra })).version;
  const aliasesOf = async (name: string) => (await store.getRegisteredModel(name)).aliases;

  describe('registered models', () => {
    it('creates and reads, refusing a duplicate and answering an unknown name as not found', async () => {
      const created = await model('snia', { survey: 'ztf' });
      expect(created).toMatchObject({ name: 'snia', latest_versions: [], aliases: [], tags: [{ key: 'survey', value: 'ztf' }] });
      expect(created.creation_timestamp).toBeGreaterThan(0);
      expect(created.last_updated_timestamp).toBe(created.creation_timestamp);
      expect((await store.getRegisteredModel('snia')).name).toBe('snia');
      expect(await errorCodeOf(model('snia'))).toBe('RESOURCE_ALREADY_EXISTS');
      expect(await errorCodeOf(store.getRegisteredModel('nobody'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await errorCodeOf(store.deleteRegisteredModel('nobody'))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('takes "created by" from its first version when it had none', async () => {
      await model('snia');
      expect((await store.getRegisteredModel('snia')).user_id).toBeUndefined();
      await version('snia', { userId: 'ann' });
      await version('snia', { userId: 'bob' });
      expect((await store.getRegisteredModel('snia')).user_id).toBe('ann');
      expect((await store.getModelVersion('snia', '2')).user_id).toBe('bob');
    });

    it('updates the description and the last-updated time', async () => {
      const before = await model('snia');
      await new Promise((r) => setTimeout(r, 5));
      const after = await store.updateRegisteredModel('snia', 'SN Ia classifier');
      expect(after.description).toBe('SN Ia classifier');
      expect(after.last_updated_timestamp).toBeGreaterThan(before.last_updated_timestamp);
    });

    it('renames, keeping versions, aliases and tags; refuses a name in use', async () => {
      await model('snia', { survey: 'ztf' });
      await model('taken');
      await version('snia');
      await version('snia');
      await store.setAlias('snia', 'champion', '2');
      expect(await errorCodeOf(store.renameRegisteredModel('snia', 'taken'))).toBe('RESOURCE_ALREADY_EXISTS');
      const renamed = await store.renameRegisteredModel('snia', 'snia-v2');
      expect(renamed.name).toBe('snia-v2');
      expect(renamed.aliases).toEqual([{ alias: 'champion', version: '2' }]);
      expect(renamed.tags).toEqual([{ key: 'survey', value: 'ztf' }]);
      expect((await store.getModelVersion('snia-v2', '1')).name).toBe('snia-v2');
      expect((await store.getVersionByAlias('snia-v2', 'champion')).version).toBe('2');
      expect(await errorCodeOf(store.getRegisteredModel('snia'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await errorCodeOf(store.getModelVersion('snia', '1'))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('deletes a model with its versions, aliases and tags; the name can be used again from version 1', async () => {
      await model('snia', { survey: 'ztf' });
      await version('snia', { tags: [{ key: 'k', value: 'v' }] });
      await store.setAlias('snia', 'champion', '1');
      await store.deleteRegisteredModel('snia');
      expect(await errorCodeOf(store.getModelVersion('snia', '1'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect((await store.searchModelVersions({ filter: "name = 'snia'", maxResults: 10 })).items).toEqual([]);
      const again = await model('snia');
      expect(again.tags).toEqual([]);
      expect(again.aliases).toEqual([]);
      expect(await version('snia')).toBe('1');
    });

    it('sets, overwrites and deletes tags, telling whether a tag was there', async () => {
      await model('snia');
      await store.setRegisteredModelTag('snia', { key: 'survey', value: 'ztf' });
      await store.setRegisteredModelTag('snia', { key: 'survey', value: 'lsst' });
      expect((await store.getRegisteredModel('snia')).tags).toEqual([{ key: 'survey', value: 'lsst' }]);
      expect(await store.deleteRegisteredModelTag('snia', 'survey')).toBe(true);
      expect(await store.deleteRegisteredModelTag('snia', 'survey')).toBe(false);
      expect((await store.getRegisteredModel('snia')).tags).toEqual([]);
      expect(await errorCodeOf(store.setRegisteredModelTag('nobody', { key: 'a', value: 'b' }))).toBe('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('model versions', () => {
    it('numbers versions from 1 and never gives a deleted number again', async () => {
      await model('snia');
      expect([await version('snia'), await version('snia'), await version('snia')]).toEqual(['1', '2', '3']);
      await store.deleteModelVersion('snia', '3'); // the highest number too
      await store.deleteModelVersion('snia', '1');
      expect(await version('snia')).toBe('4');
      const left = (await store.searchModelVersions({ filter: "name = 'snia'", orderBy: ['version_number ASC'], maxResults: 10 })).items;
      expect(left.map((v) => v.version)).toEqual(['2', '4']);
      expect(await errorCodeOf(store.getModelVersion('snia', '3'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await errorCodeOf(version('nobody'))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('keeps what a version was made from, and where its files are', async () => {
      await model('snia');
      await version('snia', { runId: 'r1', modelId: 'm-1', description: 'first', runLink: 'http://x', tags: [{ key: 'k', value: 'v' }] });
      const v = await store.getModelVersion('snia', '1');
      expect(v).toMatchObject({
        name: 'snia',
        version: '1',
        source: 's3://bucket/snia',
        run_id: 'r1',
        model_id: 'm-1',
        description: 'first',
        run_link: 'http://x',
        current_stage: 'None',
        status: 'READY',
        tags: [{ key: 'k', value: 'v' }],
        aliases: [],
      });
      expect(await store.getDownloadUri('snia', '1')).toBe('s3://bucket/snia/files');
      expect(await errorCodeOf(store.getDownloadUri('snia', '2'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await errorCodeOf(store.getModelVersion('snia', 'abc'))).toBe('INVALID_PARAMETER_VALUE');
      expect((await store.updateModelVersion('snia', '1', 'better')).description).toBe('better');
    });

    it('sets and deletes version tags', async () => {
      await model('snia');
      await version('snia');
      await store.setModelVersionTag('snia', '1', { key: 'validated', value: 'no' });
      await store.setModelVersionTag('snia', '1', { key: 'validated', value: 'yes' });
      expect((await store.getModelVersion('snia', '1')).tags).toEqual([{ key: 'validated', value: 'yes' }]);
      expect(await store.deleteModelVersionTag('snia', '1', 'validated')).toBe(true);
      expect(await store.deleteModelVersionTag('snia', '1', 'validated')).toBe(false);
      expect(await errorCodeOf(store.setModelVersionTag('snia', '9', { key: 'a', value: 'b' }))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('moves versions between stages, archiving the others when asked', async () => {
      await model('snia');
      for (let i = 0; i < 4; i++) await version('snia');
      await store.transitionStage('snia', '1', 'Production', false);
      await store.transitionStage('snia', '2', 'Production', false);
      await store.transitionStage('snia', '3', 'Staging', false);
      const moved = await store.transitionStage('snia', '4', 'Production', true);
      expect(moved.current_stage).toBe('Production');
      const stages = await Promise.all(['1', '2', '3', '4'].map(async (v) => (await store.getModelVersion('snia', v)).current_stage));
      expect(stages).toEqual(['Archived', 'Archived', 'Staging', 'Production']);

      const latest = await store.getLatestVersions('snia', undefined);
      expect(latest.map((v) => [v.current_stage, v.version])).toEqual([
        ['Archived', '2'],
        ['Staging', '3'],
        ['Production', '4'],
      ]);
      expect((await store.getLatestVersions('snia', ['Staging', 'None'])).map((v) => v.version)).toEqual(['3']);
      expect((await store.getRegisteredModel('snia')).latest_versions.map((v) => v.version)).toEqual(['2', '3', '4']);
    });
  });

  describe('aliases', () => {
    beforeEach(async () => {
      await model('snia');
      await version('snia');
      await version('snia');
      await version('snia');
    });

    it('sets an alias, then moves it, telling the version it left', async () => {
      expect(await store.setAlias('snia', 'champion', '1')).toEqual({});
      expect((await store.getVersionByAlias('snia', 'champion')).version).toBe('1');
      expect(await store.setAlias('snia', 'champion', '2')).toEqual({ previousVersion: '1' });
      expect((await store.getVersionByAlias('snia', 'champion')).version).toBe('2');
      expect(await store.setAlias('snia', 'champion', '2')).toEqual({ previousVersion: '2' });
      expect(await aliasesOf('snia')).toEqual([{ alias: 'champion', version: '2' }]);
      expect((await store.getModelVersion('snia', '1')).aliases).toEqual([]);
      expect((await store.getModelVersion('snia', '2')).aliases).toEqual(['champion']);
    });

    it('refuses an alias on a missing version and answers an unknown alias as MLflow does', async () => {
      expect(await errorCodeOf(store.setAlias('snia', 'champion', '9'))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(await errorCodeOf(store.setAlias('nobody', 'champion', '1'))).toBe('RESOURCE_DOES_NOT_EXIST');
      // MLflow answers an unknown alias with INVALID_PARAMETER_VALUE (400), not a 404.
      expect(await errorCodeOf(store.getVersionByAlias('snia', 'champion'))).toBe('INVALID_PARAMETER_VALUE');
      expect(await errorCodeOf(store.getVersionByAlias('nobody', 'champion'))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('deletes an alias, returning the version it pointed at; an absent alias is no error', async () => {
      await store.setAlias('snia', 'champion', '3');
      expect(await store.deleteAlias('snia', 'champion')).toEqual({ version: '3' });
      expect(await store.deleteAlias('snia', 'champion')).toEqual({});
      expect(await aliasesOf('snia')).toEqual([]);
    });

    it('deleting a version removes its aliases and returns them; other aliases stay', async () => {
      await store.setAlias('snia', 'champion', '1');
      await store.setAlias('snia', 'backup', '1');
      await store.setAlias('snia', 'challenger', '2');
      expect(await store.deleteModelVersion('snia', '1')).toEqual({ removedAliases: ['backup', 'champion'] });
      expect(await aliasesOf('snia')).toEqual([{ alias: 'challenger', version: '2' }]);
      expect(await errorCodeOf(store.getVersionByAlias('snia', 'champion'))).toBe('INVALID_PARAMETER_VALUE');
      expect(await store.deleteModelVersion('snia', '3')).toEqual({ removedAliases: [] });
      // A new version with a fresh number does not inherit the old aliases.
      expect(await version('snia')).toBe('4');
      expect((await store.getModelVersion('snia', '4')).aliases).toEqual([]);
    });

    it('lists the aliases of a model in name order', async () => {
      await store.setAlias('snia', 'zeta', '1');
      await store.setAlias('snia', 'alpha', '3');
      expect(await aliasesOf('snia')).toEqual([
        { alias: 'alpha', version: '3' },
        { alias: 'zeta', version: '1' },
      ]);
    });
  });

  describe('search', () => {
    beforeEach(async () => {
      for (const [name, team] of [
        ['Alpha', 'vision'],
        ['beta', 'Vision'],
        ['gamma', undefined],
        ['delta', 'radio'],
        ['epsilon', undefined],
      ] as const) {
        await model(name, team ? { team } : {});
        await version(name, { runId: 'run-a' });
        await store.setAlias(name, 'current', '1');
      }
      await version('Alpha', { runId: 'run-b', tags: [{ key: 'quality', value: 'good' }] });
      await version('Alpha', { runId: 'run-a' });
    });
    const modelNames = async (filter?: string, orderBy?: string[]) =>
      (await store.searchRegisteredModels({ filter, orderBy, maxResults: 100 })).items.map((m) => m.name);
    const versions = async (filter: string, orderBy = ['version_number ASC']) =>
      (await store.searchModelVersions({ filter, orderBy, maxResults: 100 })).items.map((v) => `${v.name}/${v.version}`);

    it.each([
      [undefined, ['Alpha', 'beta', 'delta', 'epsilon', 'gamma']],
      ["name = 'beta'", ['beta']],
      ["name LIKE '%a'", ['Alpha', 'beta', 'delta', 'gamma']],
      ["name LIKE 'a%'", []],
      ["name ILIKE 'a%'", ['Alpha']],
      ["tags.team = 'vision'", ['Alpha']],
      ["tags.team ILIKE 'vision'", ['Alpha', 'beta']],
      ["tags.team != 'vision'", ['beta', 'delta']],
      ["name LIKE '%a' AND tags.team LIKE '%i%'", ['Alpha', 'beta', 'delta']],
    ])('finds registered models by %s', async (filter, expected) => {
      expect(await modelNames(filter)).toEqual(expected);
    });

    it('orders registered models and pages through them', async () => {
      expect(await modelNames(undefined, ['name DESC'])).toEqual(['gamma', 'epsilon', 'delta', 'beta', 'Alpha']);
      expect((await modelNames(undefined, ['last_updated_timestamp DESC']))[0]).toBe('Alpha');
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.searchRegisteredModels({ maxResults: 2, pageToken: token, orderBy: ['name ASC'] });
        seen.push(...page.items.map((m) => m.name));
        token = page.nextPageToken;
        pages++;
      } while (token && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(['Alpha', 'beta', 'delta', 'epsilon', 'gamma']);
    });

    it('gives each registered model of a page its latest version, aliases and tags', async () => {
      const [alpha, beta] = (await store.searchRegisteredModels({ maxResults: 2, orderBy: ['name ASC'] })).items;
      expect(alpha!.latest_versions.map((v) => v.version)).toEqual(['3']);
      expect(alpha!.aliases).toEqual([{ alias: 'current', version: '1' }]);
      expect(alpha!.tags).toEqual([{ key: 'team', value: 'vision' }]);
      expect(beta!.latest_versions.map((v) => v.version)).toEqual(['1']);
      expect(beta!.tags).toEqual([{ key: 'team', value: 'Vision' }]);
    });

    it.each([
      ["name = 'Alpha'", ['Alpha/1', 'Alpha/2', 'Alpha/3']],
      ["name = 'Alpha' AND run_id = 'run-a'", ['Alpha/1', 'Alpha/3']],
      ["run_id IN ('run-b')", ['Alpha/2']],
      ["name = 'Alpha' AND version_number >= 2", ['Alpha/2', 'Alpha/3']],
      ["tags.quality = 'good'", ['Alpha/2']],
      ["name LIKE 'ALP%'", []],
      ["name ILIKE 'ALP%' AND version_number = 1", ['Alpha/1']],
      ["source_path = 's3://bucket/beta'", ['beta/1']],
    ])('finds model versions by %s', async (filter, expected) => {
      expect(await versions(filter)).toEqual(expected);
    });

    it('orders model versions and pages through them', async () => {
      expect(await versions("name = 'Alpha'", ['version_number DESC'])).toEqual(['Alpha/3', 'Alpha/2', 'Alpha/1']);
      const first = await store.searchModelVersions({ filter: "run_id = 'run-a'", orderBy: ['name ASC', 'version_number DESC'], maxResults: 4 });
      const second = await store.searchModelVersions({
        filter: "run_id = 'run-a'",
        orderBy: ['name ASC', 'version_number DESC'],
        maxResults: 4,
        pageToken: first.nextPageToken,
      });
      expect([...first.items, ...second.items].map((v) => `${v.name}/${v.version}`)).toEqual([
        'Alpha/3',
        'Alpha/1',
        'beta/1',
        'delta/1',
        'epsilon/1',
        'gamma/1',
      ]);
      expect(second.nextPageToken).toBeUndefined();
    });

    it('refuses bad filters as INVALID_PARAMETER_VALUE', async () => {
      for (const filter of ["name = 'a' OR name = 'b'", "foo = 'x'", 'name = ', "run_id = 'x'"]) {
        expect(await errorCodeOf(store.searchRegisteredModels({ filter, maxResults: 10 }))).toBe('INVALID_PARAMETER_VALUE');
      }
      expect(await errorCodeOf(store.searchModelVersions({ filter: "version_number = 'abc'", maxResults: 10 }))).toBe('INVALID_PARAMETER_VALUE');
      expect(await errorCodeOf(store.searchRegisteredModels({ maxResults: 10, pageToken: 'garbage!' }))).toBe('INVALID_PARAMETER_VALUE');
    });
  });

  it('lists the registrations of logged models', async () => {
    await model('snia');
    await model('agn');
    await version('snia', { modelId: 'm-a' });
    await version('agn', { modelId: 'm-a' });
    await version('snia', { modelId: 'm-b' });
    await version('snia');
    const found = await store.registrationsOf(['m-a', 'm-b', 'm-none']);
    expect(
      found
        .get('m-a')
        ?.map((r) => `${r.name}/${r.version}`)
        .sort(),
    ).toEqual(['agn/1', 'snia/1']);
    expect(found.get('m-b')).toEqual([{ name: 'snia', version: '2' }]);
    expect(found.get('m-none') ?? []).toEqual([]);
    expect((await store.registrationsOf([])).size).toBe(0);
  });

  it.runIf(impl.name !== 'sqlite in memory')('a writer in another process at the same time: numbers never shared, no SQLITE_BUSY', async () => {
    await model('shared');
    await version('shared');
    const spec = (who: string) => ({ uri: fx.sharedUri!, who, runId: '', modelName: 'shared', count: 150, only: 'registry' as const });
    const peer = await startPeerWriter(spec('w1'));
    const [theirs, ours] = await Promise.all([peer.go(), writeBurst(fx.stores, spec('w0'))]);
    expect(theirs.start).toBeLessThan(ours.end);
    expect(ours.start).toBeLessThan(theirs.end);
    expect([...ours.errors, ...theirs.errors]).toEqual([]);
    const numbers = [...ours.versions, ...theirs.versions].map(Number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    expect((await aliasesOf('shared')).map((a) => a.alias)).toEqual(['alias-w0', 'alias-w1']);
  }, 120_000);
});
