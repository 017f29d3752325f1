/**
 * The TrackingStore contract, run against every implementation in store-implementations.ts.
 * What is asserted is MLflow's behaviour as its own SQL store has it (checked against
 * `mlflow server` 3.17.2 where the REST API shows it), plus what tracking-store.ts promises.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/tracking/entities.js';
import type { TrackingStore } from '../../../src/tracking/tracking-store.js';
import { startPeerWriter, writeBurst, type WriterReport, type WriterSpec } from './peer-writer.js';
import { errorCodeOf, IMPLEMENTATIONS, openStores, stopLocalPostgres, type StoreFixture } from './store-implementations.js';

afterAll(stopLocalPostgres);

const point = (key: string, value: number, step: number, timestamp: number): Metric => ({ key, value, step, timestamp });

describe.each(IMPLEMENTATIONS)('TrackingStore contract: $name', (impl) => {
  let fx: StoreFixture;
  let store: TrackingStore;
  let exp: string;

  beforeEach(async () => {
    fx = await impl.create();
    store = fx.stores.tracking;
    exp = await store.createExperiment('contract', undefined, [{ key: 'team', value: 'astro' }]);
  });
  afterEach(async () => {
    await fx.dispose();
  });

  const newRun = (experimentId = exp, runName?: string, startTime = 1000) =>
    store.createRun({ experimentId, userId: 'ann', runName, startTime, tags: [] });
  const log = (runId: string, batch: { metrics?: Metric[]; params?: [string, string][]; tags?: [string, string][] }) =>
    store.logBatch(runId, {
      metrics: batch.metrics ?? [],
      params: (batch.params ?? []).map(([key, value]) => ({ key, value })),
      tags: (batch.tags ?? []).map(([key, value]) => ({ key, value })),
    });
  const latest = async (runId: string, key: string) => (await store.getRun(runId)).data.metrics.find((m) => m.key === key);

  describe('experiments', () => {
    it('creates, reads by id and by name, and refuses a duplicate name', async () => {
      const got = await store.getExperiment(exp);
      expect(got).toMatchObject({ experiment_id: exp, name: 'contract', lifecycle_stage: 'active', tags: [{ key: 'team', value: 'astro' }] });
      expect(got.artifact_location).toBe(`mlflow-artifacts:/${exp}`);
      expect((await store.getExperimentByName('contract'))?.experiment_id).toBe(exp);
      expect(await store.getExperimentByName('nobody')).toBeUndefined();
      expect(await errorCodeOf(store.createExperiment('contract', undefined, []))).toBe('RESOURCE_ALREADY_EXISTS');
      expect(await errorCodeOf(store.getExperiment('987654'))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('deletes and restores, with the runs deleted along and restored with it', async () => {
      const run = await newRun();
      await store.deleteExperiment(exp);
      expect((await store.getExperiment(exp)).lifecycle_stage).toBe('deleted');
      expect((await store.getRun(run.info.run_id)).info.lifecycle_stage).toBe('deleted');
      expect(await errorCodeOf(store.deleteExperiment(exp))).toBe('INVALID_PARAMETER_VALUE');
      expect(await errorCodeOf(newRun())).toBe('INVALID_PARAMETER_VALUE');

      const names = async (viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL') =>
        (await store.searchExperiments({ viewType, maxResults: 100 })).items.map((e) => e.name).sort();
      expect(await names('ACTIVE_ONLY')).toEqual(['Default']);
      expect(await names('DELETED_ONLY')).toEqual(['contract']);
      expect(await names('ALL')).toEqual(['Default', 'contract']);

      await store.restoreExperiment(exp);
      expect((await store.getExperiment(exp)).lifecycle_stage).toBe('active');
      expect((await store.getRun(run.info.run_id)).info.lifecycle_stage).toBe('active');
      expect(await errorCodeOf(store.restoreExperiment(exp))).toBe('INVALID_PARAMETER_VALUE');
    });

    it('keeps the default experiment', async () => {
      expect(await errorCodeOf(store.deleteExperiment('0'))).toBe('INVALID_PARAMETER_VALUE');
    });

    it('renames, and sets and deletes tags', async () => {
      await store.renameExperiment(exp, 'renamed');
      expect((await store.getExperiment(exp)).name).toBe('renamed');
      await store.setExperimentTag(exp, { key: 'team', value: 'radio' });
      await store.setExperimentTag(exp, { key: 'survey', value: 'ztf' });
      expect((await store.getExperiment(exp)).tags.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { key: 'survey', value: 'ztf' },
        { key: 'team', value: 'radio' },
      ]);
      await store.deleteExperimentTag(exp, 'team');
      expect((await store.getExperiment(exp)).tags).toEqual([{ key: 'survey', value: 'ztf' }]);
    });

    it('searches with a filter, an order and pages', async () => {
      for (const name of ['sn-a', 'sn-b', 'sn-c', 'agn-a']) await store.createExperiment(name, undefined, []);
      const first = await store.searchExperiments({ viewType: 'ACTIVE_ONLY', filter: "name LIKE 'sn-%'", orderBy: ['name DESC'], maxResults: 2 });
      expect(first.items.map((e) => e.name)).toEqual(['sn-c', 'sn-b']);
      expect(first.nextPageToken).toBeTruthy();
      const second = await store.searchExperiments({
        viewType: 'ACTIVE_ONLY',
        filter: "name LIKE 'sn-%'",
        orderBy: ['name DESC'],
        maxResults: 2,
        pageToken: first.nextPageToken,
      });
      expect(second.items.map((e) => e.name)).toEqual(['sn-a']);
      expect(second.nextPageToken).toBeUndefined();
    });
  });

  describe('runs', () => {
    it('creates and reads a run, named by a tag as MLflow names it', async () => {
      const run = await newRun(exp, 'first-light');
      expect(run.info).toMatchObject({ experiment_id: exp, user_id: 'ann', status: 'RUNNING', run_name: 'first-light', lifecycle_stage: 'active' });
      expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
      expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/${exp}/${run.info.run_id}/artifacts`);
      const again = await store.getRun(run.info.run_id);
      expect(again.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'first-light' });
      expect(await errorCodeOf(store.getRun('0123456789abcdef0123456789abcdef'))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('updates status and end time', async () => {
      const run = await newRun();
      const info = await store.updateRun(run.info.run_id, { status: 'FINISHED', endTime: 5000 });
      expect(info).toMatchObject({ status: 'FINISHED', end_time: 5000 });
      expect((await store.getRun(run.info.run_id)).info).toMatchObject({ status: 'FINISHED', end_time: 5000 });
    });

    it('deletes and restores; a deleted run refuses writes', async () => {
      const run = await newRun();
      await store.deleteRun(run.info.run_id);
      expect((await store.getRun(run.info.run_id)).info.lifecycle_stage).toBe('deleted');
      expect(await errorCodeOf(log(run.info.run_id, { params: [['a', '1']] }))).toBe('INVALID_PARAMETER_VALUE');
      const search = async (viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY') =>
        (await store.searchRuns({ experimentIds: [exp], viewType, maxResults: 10 })).items.map((r) => r.info.run_id);
      expect(await search('ACTIVE_ONLY')).toEqual([]);
      expect(await search('DELETED_ONLY')).toEqual([run.info.run_id]);
      await store.restoreRun(run.info.run_id);
      expect(await search('ACTIVE_ONLY')).toEqual([run.info.run_id]);
      await log(run.info.run_id, { params: [['a', '1']] });
    });

    it('searches runs by metrics, params and tags, in order, by pages', async () => {
      const ids: Record<string, string> = {};
      const seeds: [string, number, string, string][] = [
        ['r1', 0.9, 'cnn', 'astro'],
        ['r2', 0.5, 'cnn', 'radio'],
        ['r3', 0.7, 'rf', 'astro'],
      ];
      for (const [name, acc, model, team] of seeds) {
        const run = await newRun(exp, name);
        ids[name] = run.info.run_id;
        await log(run.info.run_id, { metrics: [point('acc', acc, 0, 1)], params: [['model', model]], tags: [['team', team]] });
      }
      const names = async (filter: string, orderBy?: string[]) =>
        (await store.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', filter, orderBy, maxResults: 10 })).items.map((r) => r.info.run_name);
      expect(await names('metrics.acc > 0.6', ['metrics.acc DESC'])).toEqual(['r1', 'r3']);
      expect(await names("params.model = 'cnn'", ['attributes.run_name ASC'])).toEqual(['r1', 'r2']);
      expect(await names("tags.team = 'astro' and metrics.acc < 0.8")).toEqual(['r3']);
      const page1 = await store.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', orderBy: ['metrics.acc ASC'], maxResults: 2 });
      const page2 = await store.searchRuns({
        experimentIds: [exp],
        viewType: 'ACTIVE_ONLY',
        orderBy: ['metrics.acc ASC'],
        maxResults: 2,
        pageToken: page1.nextPageToken,
      });
      expect([...page1.items, ...page2.items].map((r) => r.info.run_name)).toEqual(['r2', 'r3', 'r1']);
      expect(page2.nextPageToken).toBeUndefined();
    });
  });

  describe('logBatch', () => {
    it('keeps as latest the point with the greatest step, then timestamp, then value', async () => {
      const { info } = await newRun();
      // A later step wins over a later timestamp, within one batch and across batches.
      await log(info.run_id, { metrics: [point('s', 5, 1, 900), point('s', 1, 2, 100)] });
      await log(info.run_id, { metrics: [point('s', 99, 1, 5000)] });
      expect(await latest(info.run_id, 's')).toMatchObject({ value: 1, step: 2, timestamp: 100 });
      // Same step: the later timestamp wins.
      await log(info.run_id, { metrics: [point('t', 3, 4, 200), point('t', 9, 4, 100)] });
      expect(await latest(info.run_id, 't')).toMatchObject({ value: 3, timestamp: 200 });
      // Same step and timestamp: the greater value wins, whatever the order of logging.
      await log(info.run_id, { metrics: [point('v', 7, 4, 100)] });
      await log(info.run_id, { metrics: [point('v', 4, 4, 100)] });
      expect(await latest(info.run_id, 'v')).toMatchObject({ value: 7 });
      // Every point is kept in the history.
      expect((await store.getMetricHistory(info.run_id, 's', {})).items.map((m) => m.value)).toEqual([5, 99, 1]);
    });

    it('stores NaN and infinities, and a NaN at a later step is the latest value', async () => {
      const { info } = await newRun();
      await log(info.run_id, { metrics: [point('n', 1, 0, 100), point('n', Number.NaN, 1, 100), point('inf', Number.POSITIVE_INFINITY, 0, 1), point('ninf', Number.NEGATIVE_INFINITY, 0, 1)] });
      expect((await latest(info.run_id, 'n'))?.value).toBeNaN();
      expect((await latest(info.run_id, 'inf'))?.value).toBe(Number.POSITIVE_INFINITY);
      expect((await latest(info.run_id, 'ninf'))?.value).toBe(Number.NEGATIVE_INFINITY);
      const history = (await store.getMetricHistory(info.run_id, 'n', {})).items.map((m) => m.value);
      expect(history[0]).toBe(1);
      expect(history[1]).toBeNaN();
      // At the same step and timestamp a real positive value beats NaN.
      await log(info.run_id, { metrics: [point('p', Number.NaN, 3, 100)] });
      await log(info.run_id, { metrics: [point('p', 2, 3, 100)] });
      expect((await latest(info.run_id, 'p'))?.value).toBe(2);
    });

    it('compares NaN as MLflow stores it (value 0) when step and timestamp tie', async () => {
      // MLflow keeps NaN as value=0, is_nan=1 and compares (step, timestamp, value): at a tie,
      // NaN beats a negative value. `mlflow server` 3.17.2 answers latest = NaN for both orders.
      const { info } = await newRun();
      await log(info.run_id, { metrics: [point('a', -1, 5, 100), point('a', Number.NaN, 5, 100)] });
      await log(info.run_id, { metrics: [point('b', Number.NaN, 5, 100)] });
      await log(info.run_id, { metrics: [point('b', -1, 5, 100)] });
      expect((await latest(info.run_id, 'a'))?.value).toBeNaN();
      expect((await latest(info.run_id, 'b'))?.value).toBeNaN();
    });

    it('refuses to change a param, in one transaction with the rest of the batch', async () => {
      const { info } = await newRun();
      await log(info.run_id, { params: [['lr', '0.01']] });
      await log(info.run_id, { params: [['lr', '0.01']] }); // the same value again is fine
      const refused = log(info.run_id, { params: [['lr', '0.1'], ['epochs', '5']], metrics: [point('loss', 1, 0, 1)], tags: [['t', 'x']] });
      expect(await errorCodeOf(refused)).toBe('INVALID_PARAMETER_VALUE');
      const run = await store.getRun(info.run_id);
      expect(run.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
      expect(run.data.metrics).toEqual([]);
      expect(run.data.tags.find((t) => t.key === 't')).toBeUndefined();
    });

    it('overwrites tags, the last value of a key in a batch winning', async () => {
      const { info } = await newRun();
      await log(info.run_id, { tags: [['k', 'a'], ['k', 'b']] });
      await log(info.run_id, { tags: [['k', 'c'], ['mlflow.runName', 'renamed']] });
      const run = await store.getRun(info.run_id);
      expect(run.data.tags).toContainEqual({ key: 'k', value: 'c' });
      expect(run.info.run_name).toBe('renamed');
      await store.deleteTag(info.run_id, 'k');
      expect((await store.getRun(info.run_id)).data.tags.find((t) => t.key === 'k')).toBeUndefined();
      expect(await errorCodeOf(store.deleteTag(info.run_id, 'k'))).toBe('RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('metric history', () => {
    it('pages through the history in step order', async () => {
      const { info } = await newRun();
      await log(info.run_id, { metrics: Array.from({ length: 25 }, (_, i) => point('loss', 100 - i, 24 - i, 1000 + i)) });
      const steps: number[] = [];
      let token: string | undefined;
      const sizes: number[] = [];
      do {
        const page = await store.getMetricHistory(info.run_id, 'loss', { maxResults: 10, pageToken: token });
        sizes.push(page.items.length);
        steps.push(...page.items.map((m) => m.step));
        token = page.nextPageToken;
      } while (token && sizes.length < 5);
      expect(sizes).toEqual([10, 10, 5]);
      expect(steps).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect((await store.getMetricHistory(info.run_id, 'loss', {})).items).toHaveLength(25);
      expect((await store.getMetricHistory(info.run_id, 'nothing', {})).items).toEqual([]);
      expect(await errorCodeOf(store.getMetricHistory('0123456789abcdef0123456789abcdef', 'loss', {}))).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    describe('bulk interval sampling', () => {
      let a: string;
      let b: string;
      beforeEach(async () => {
        a = (await newRun()).info.run_id;
        b = (await newRun()).info.run_id;
        await log(a, { metrics: Array.from({ length: 100 }, (_, s) => point('m', s, s, 1000 + s)) });
        await log(b, { metrics: [...Array.from({ length: 10 }, (_, i) => point('m', i, i * 5, 1000 + i)), point('m', 7, 200, 5000)] });
      });
      const stepsOf = (points: Metric[], runId: string) => points.filter((p) => p.run_id === runId).map((p) => p.step);

      it('returns each run in the order asked, its points in step order, tagged with the run', async () => {
        const points = await store.getMetricHistoryBulkInterval([b, a], 'm', { maxResults: 1000 });
        expect(points.every((p) => p.run_id === a || p.run_id === b)).toBe(true);
        expect(points.map((p) => p.run_id === a ? "a" : "b").join("")).toMatch(/^b+a+$/);
        expect(stepsOf(points, a)).toEqual(Array.from({ length: 100 }, (_, s) => s));
        expect(stepsOf(points, b)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 200]);
      });

      it('samples at most maxResults points per run as mlflow server 3.17.2 does, keeping the first and the last', async () => {
        // The points cut into maxResults near-equal buckets (larger first), each bucket's first
        // kept, the last point ending the answer in place of the last bucket's.
        const points = await store.getMetricHistoryBulkInterval([a, b], 'm', { maxResults: 10 });
        expect(stepsOf(points, a)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 99]);
        expect(stepsOf(points, b)).toEqual([0, 10, 15, 20, 25, 30, 35, 40, 45, 200]);
        expect(stepsOf(await store.getMetricHistoryBulkInterval([a], 'm', { maxResults: 3 }), a)).toEqual([0, 34, 99]);
      });

      it('samples only inside the step range', async () => {
        const steps = stepsOf(await store.getMetricHistoryBulkInterval([a], 'm', { startStep: 20, endStep: 60, maxResults: 10 }), a);
        expect(steps.every((s) => s >= 20 && s <= 60)).toBe(true);
        expect(steps[0]).toBe(20);
        expect(steps.at(-1)).toBe(60);
        expect(steps.length).toBeLessThanOrEqual(10);
      });

      it('bounds the answer when many points share one step', async () => {
        // `mlflow server` 3.17.2 samples rows, not steps: 5 of these 30 points.
        const z = (await newRun()).info.run_id;
        await log(z, { metrics: Array.from({ length: 30 }, (_, i) => point('m', i, 0, 1000 + i)) });
        const sampled = await store.getMetricHistoryBulkInterval([z], 'm', { maxResults: 5 });
        expect(sampled.map((p) => p.timestamp)).toEqual([1000, 1006, 1012, 1018, 1029]);
      });

      it('gives only the last point when maxResults is 1', async () => {
        expect(stepsOf(await store.getMetricHistoryBulkInterval([a], 'm', { maxResults: 1 }), a)).toEqual([99]);
      });
    });
  });

  describe('logged models', () => {
    it('creates, finalizes, tags, searches and deletes, and shows its registrations', async () => {
      const run = await newRun();
      const model = await store.createLoggedModel({
        experimentId: exp,
        name: 'classifier',
        modelType: 'sklearn',
        sourceRunId: run.info.run_id,
        params: [{ key: 'C', value: '0.5' }],
        tags: [{ key: 'family', value: 'linear' }],
      });
      const id = model.info.model_id;
      expect(id).toMatch(/^m-[0-9a-f]{32}$/);
      expect(model.info).toMatchObject({ name: 'classifier', status: 'LOGGED_MODEL_PENDING', source_run_id: run.info.run_id, registrations: [] });
      expect(model.info.artifact_uri).toBe(`mlflow-artifacts:/${exp}/models/${id}/artifacts`);
      expect((await store.finalizeLoggedModel(id, 'LOGGED_MODEL_READY')).info.status).toBe('LOGGED_MODEL_READY');
      await store.setLoggedModelTags(id, [{ key: 'survey', value: 'ztf' }]);
      await store.logLoggedModelParams(id, [{ key: 'solver', value: 'lbfgs' }]);
      await store.deleteLoggedModelTag(id, 'family');
      const got = await store.getLoggedModel(id);
      expect(got.info.tags).toEqual([{ key: 'survey', value: 'ztf' }]);
      expect(got.data.params.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
        { key: 'C', value: '0.5' },
        { key: 'solver', value: 'lbfgs' },
      ]);

      // A registry version made from the model is listed on it (both stores share the data).
      const registry = fx.stores.registry;
      await registry.createRegisteredModel('snia', { tags: [] });
      await registry.createModelVersion({ name: 'snia', source: `models:/${id}`, storageLocation: model.info.artifact_uri, modelId: id, runId: run.info.run_id, tags: [] });
      await registry.createModelVersion({ name: 'snia', source: `models:/${id}`, storageLocation: model.info.artifact_uri, modelId: id, tags: [] });
      expect((await store.getLoggedModel(id)).info.registrations).toEqual([
        { name: 'snia', version: '1' },
        { name: 'snia', version: '2' },
      ]);

      const other = await store.createLoggedModel({ experimentId: exp, name: 'other', params: [], tags: [] });
      const found = await store.searchLoggedModels({ experimentIds: [exp], filter: "name = 'classifier'", maxResults: 10 });
      expect(found.items.map((m) => m.info.model_id)).toEqual([id]);
      expect(found.items[0]!.info.registrations).toHaveLength(2);
      await store.deleteLoggedModel(other.info.model_id);
      expect(await errorCodeOf(store.getLoggedModel(other.info.model_id))).toBe('RESOURCE_DOES_NOT_EXIST');
      expect((await store.searchLoggedModels({ experimentIds: [exp], maxResults: 10 })).items.map((m) => m.info.model_id)).toEqual([id]);
    });
  });

  describe('two writers on the same data at once', () => {
    const spec = (who: string, runId: string, count: number): WriterSpec => ({ uri: fx.sharedUri!, who, runId, modelName: 'shared', count });
    const prepare = async () => {
      await fx.stores.registry.createRegisteredModel('shared', { tags: [] });
      await fx.stores.registry.createModelVersion({ name: 'shared', source: 's3://b/0', storageLocation: 's3://b/0', tags: [] });
      return [(await newRun()).info.run_id, (await newRun()).info.run_id] as const;
    };
    const expectAllWritten = async (reports: WriterReport[], runIds: readonly string[], count: number) => {
      expect(reports.flatMap((r) => r.errors)).toEqual([]);
      // Every version number given exactly once, none lost, none shared.
      const numbers = reports.flatMap((r) => r.versions).map(Number).sort((x, y) => x - y);
      expect(numbers).toEqual(Array.from({ length: 2 * count }, (_, i) => i + 2));
      for (const [i, runId] of runIds.entries()) {
        expect((await store.getRun(runId)).data.params).toHaveLength(count);
        expect((await latest(runId, `m-w${i}`))?.step).toBe(count - 1);
      }
    };

    it.runIf(impl.name !== 'sqlite in memory')('two stores in this process: no SQLITE_BUSY escapes', async () => {
      // Few writes: a handle that waits for a lock held by the other handle of the same thread
      // blocks the whole thread until its busy timeout, so a failure here costs seconds per write.
      const runIds = await prepare();
      const second = await openStores(fx.sharedUri!);
      try {
        const reports = await Promise.all([writeBurst(fx.stores, spec('w0', runIds[0], 3)), writeBurst(second, spec('w1', runIds[1], 3))]);
        await expectAllWritten(reports, runIds, 3);
      } finally {
        await second.close();
      }
    }, 120_000);

    it.runIf(impl.name !== 'sqlite in memory')('a store in another process: no SQLITE_BUSY escapes', async () => {
      const runIds = await prepare();
      const peer = await startPeerWriter(spec('w1', runIds[1], 150));
      const [theirs, ours] = await Promise.all([peer.go(), writeBurst(fx.stores, spec('w0', runIds[0], 150))]);
      // The two bursts really overlapped in time.
      expect(theirs.start).toBeLessThan(ours.end);
      expect(ours.start).toBeLessThan(theirs.end);
      await expectAllWritten([ours, theirs], runIds, 150);
    }, 120_000);
  });
});
