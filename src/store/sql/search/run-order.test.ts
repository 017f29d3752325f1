import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../open-database.js';
import { applyRunSearch } from './apply-run-search.js';
import { insertRun, SEARCH_DIALECTS, searchDatabase, stopLocalPostgres } from './search-test-fixtures.js';

afterAll(stopLocalPostgres);

describe.each(SEARCH_DIALECTS)('%s', (dialect) => {
  let sdb: SqlDatabase;
  beforeEach(async () => {
    sdb = await searchDatabase(dialect);
    // start times make the default order e, d, c, b, a (newest first).
    await insertRun(sdb, { id: 'a', startTime: 1, endTime: 50, metrics: { m: 2 }, params: { p: 'b' }, tags: { t: 'y' } });
    await insertRun(sdb, { id: 'b', startTime: 2, endTime: null, metrics: { m: Number.NaN }, params: { p: 'a' } });
    await insertRun(sdb, { id: 'c', startTime: 3, endTime: 10, metrics: { m: -1 }, tags: { t: 'x' } });
    await insertRun(sdb, { id: 'd', startTime: 4, endTime: null, params: { p: 'c' } });
    await insertRun(sdb, { id: 'e', startTime: 5, endTime: 30, metrics: { m: 7 }, tags: { t: 'x' } });
  });
  afterEach(async () => {
    await sdb.close();
  });

  const order = async (...orderBy: string[]) =>
    (await applyRunSearch(sdb.db.selectFrom('runs').select('runs.run_uuid'), { orderBy, dialect }).execute()).map((r) => r.run_uuid);

  describe('run order', () => {
    it('sorts by a metric, NaN after numbers and missing metrics last, in both directions', async () => {
      expect(await order('metrics.m ASC')).toEqual(['c', 'a', 'e', 'b', 'd']);
      expect(await order('metrics.m DESC')).toEqual(['e', 'a', 'c', 'b', 'd']);
      expect(await order('metrics.m')).toEqual(['c', 'a', 'e', 'b', 'd']);
    });

    it('sorts by a param or tag with missing values last in both directions, ties by newest start', async () => {
      expect(await order('params.p')).toEqual(['b', 'a', 'd', 'e', 'c']);
      expect(await order('params.p DESC')).toEqual(['d', 'a', 'b', 'e', 'c']);
      expect(await order('tags.t ASC')).toEqual(['e', 'c', 'a', 'd', 'b']);
      expect(await order('tags.t DESC')).toEqual(['a', 'e', 'c', 'd', 'b']);
    });

    it('sorts by attributes, a missing end_time last in both directions', async () => {
      expect(await order('end_time ASC')).toEqual(['c', 'e', 'a', 'd', 'b']);
      expect(await order('attributes.end_time DESC')).toEqual(['a', 'e', 'c', 'd', 'b']);
      expect(await order('start_time ASC')).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await order('created DESC')).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(await order('run_id DESC')).toEqual(['e', 'd', 'c', 'b', 'a']);
    });

    it('applies keys in turn, then start_time DESC and run id', async () => {
      expect(await order('tags.t', 'metrics.m DESC')).toEqual(['e', 'c', 'a', 'b', 'd']);
      await insertRun(sdb, { id: 'f', startTime: 5, tags: { t: 'x' } });
      await insertRun(sdb, { id: 'g', startTime: 6, tags: { t: 'x' } });
      expect(await order('tags.t')).toEqual(['g', 'e', 'f', 'c', 'a', 'd', 'b']);
    });

    it('sorts by a metric the filter bounds, through one joined row: NaN and missing values never match', async () => {
      const search = async (filter: string, ...orderBy: string[]) =>
        (await applyRunSearch(sdb.db.selectFrom('runs').select('runs.run_uuid'), { filter, orderBy, dialect }).execute()).map((r) => r.run_uuid);
      await insertRun(sdb, { id: 'f', startTime: 9, metrics: { m: 2 } });
      await insertRun(sdb, { id: 'g', startTime: 0, metrics: { m: 2 } });
      expect(await search('metrics.m > -5', 'metrics.m DESC')).toEqual(['e', 'f', 'a', 'g', 'c']);
      expect(await search('metrics.m > -5', 'metrics.m ASC')).toEqual(['c', 'f', 'a', 'g', 'e']);
      expect(await search('metrics.m >= -1 AND metrics.m < 7 AND metrics.m != 2', 'metrics.m')).toEqual(['c']);
      expect(await search('metrics.m <= 2', 'metrics.m DESC', 'start_time')).toEqual(['g', 'a', 'f', 'c']);
      // != lets NaN through, so it keeps its place after the numbers.
      expect(await search('metrics.m != 2', 'metrics.m DESC')).toEqual(['e', 'c', 'b']);
    });

    it('breaks ties by run id alone when start_time is among the keys', async () => {
      await insertRun(sdb, { id: 'aa', startTime: 3 });
      const sql = applyRunSearch(sdb.db.selectFrom('runs').select('runs.run_uuid'), { orderBy: ['start_time'], dialect }).compile().sql;
      expect(sql.match(/start_time/g)).toHaveLength(1);
      expect(await order('start_time DESC')).toEqual(['e', 'd', 'aa', 'c', 'b', 'a']);
    });
  });
});
