import { CompiledQuery } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlflowError } from '../../../common/mlflow-error.js';
import type { SqlDatabase } from '../open-database.js';
import { applyRunSearch, type RunSearchOptions } from './apply-run-search.js';
import { insertRun, searchDatabase } from './search-test-fixtures.js';

let sdb: SqlDatabase;
beforeEach(async () => {
  sdb = await searchDatabase();
});
afterEach(async () => {
  await sdb.close();
});

const search = async (options: RunSearchOptions, page?: { limit: number; offset: number }) => {
  let qb = applyRunSearch(sdb.db.selectFrom('runs').selectAll('runs'), options);
  if (page) qb = qb.limit(page.limit).offset(page.offset);
  return (await qb.execute()).map((r) => r.run_uuid);
};

describe('applyRunSearch', () => {
  it('finds the 8 runs with accuracy above 0.9, best first (the acceptance example)', async () => {
    const accuracies = [0.325, 0.6583, 0.675, 0.9417, 0.975, 0.9833, 0.9833, 0.9833, 0.9833, 0.9833, 0.9833];
    for (const [i, accuracy] of accuracies.entries()) {
      await insertRun(sdb, { id: `r${String(i).padStart(2, '0')}`, startTime: 1000 + i, params: { activation: 'ReLU' }, metrics: { accuracy } });
    }
    const ids = await search({ filter: "metrics.accuracy > 0.9 AND params.activation = 'ReLU'", orderBy: ['metrics.accuracy DESC'] });
    // Equal accuracies fall back to MLflow's tie-breaker: latest start_time first.
    expect(ids).toEqual(['r10', 'r09', 'r08', 'r07', 'r06', 'r05', 'r04', 'r03']);
    const only = await search({ filter: 'metrics.accuracy > 0.9', orderBy: ['metrics.accuracy DESC'] });
    expect(only).toHaveLength(8);
  });

  it('returns every run, newest first then by id, without filter or order', async () => {
    await insertRun(sdb, { id: 'b', startTime: 5 });
    await insertRun(sdb, { id: 'a', startTime: 5 });
    await insertRun(sdb, { id: 'c', startTime: 9 });
    expect(await search({})).toEqual(['c', 'a', 'b']);
  });

  it('pages through a sorted search with the store’s LIMIT/OFFSET, each run once', async () => {
    for (let i = 0; i < 10; i++) {
      await insertRun(sdb, { id: `r${i}`, startTime: i % 3, metrics: i % 4 === 0 ? {} : { m: i % 5 }, tags: { t: 'x' } });
    }
    const options = { filter: "tags.t = 'x'", orderBy: ['metrics.m ASC'] };
    const all = await search(options);
    const pages = [...(await search(options, { limit: 4, offset: 0 })), ...(await search(options, { limit: 4, offset: 4 })), ...(await search(options, { limit: 4, offset: 8 }))];
    expect(pages).toEqual(all);
    expect(new Set(all).size).toBe(10);
  });

  it('treats SQL in values and keys as plain text, and leaves the tables intact', async () => {
    await insertRun(sdb, { id: 'r1', params: { x: 'a' }, tags: { t: 'x' } });
    expect(await search({ filter: "params.x = 'a'' OR 1=1 --'" })).toEqual([]);
    expect(await search({ filter: 'tags."a;DROP TABLE runs" = \'x\'' })).toEqual([]);
    expect(await search({ filter: "params.x = 'a\"; DELETE FROM runs; --'" })).toEqual([]);
    expect(await search({ filter: "params.`x' OR '1'='1` = 'a'" })).toEqual([]);
    expect(await search({ orderBy: ['tags.`t) DESC; DROP TABLE runs; --`'] })).toEqual(['r1']);
    const count = await sdb.db.selectFrom('runs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
    expect(await search({ filter: "params.x = 'a'" })).toEqual(['r1']);
  });

  it('binds every value as a parameter', () => {
    const compiled = applyRunSearch(sdb.db.selectFrom('runs').selectAll('runs'), {
      filter: "params.secret = 'zzz-value' AND metrics.m > 0.123 AND tags.`zzz-key` LIKE 'q%'",
      orderBy: ['params.`zzz-order`'],
    }).compile();
    expect(compiled.sql).not.toMatch(/zzz|0\.123|q%/);
    expect(compiled.parameters).toEqual(expect.arrayContaining(['secret', 'zzz-value', 0.123, 'zzz-key', 'zzz-order']));
  });

  it("scans the experiment's runs, not the metric's rows of every experiment", async () => {
    const compiled = applyRunSearch(sdb.db.selectFrom('runs').selectAll('runs').where('runs.experiment_id', 'in', [0]), {
      filter: "metrics.accuracy > 0.5 and params.model = 'rf'",
      orderBy: ['metrics.accuracy DESC'],
    })
      .limit(101)
      .compile();
    const plan = await sdb.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]));
    const steps = plan.rows.map((r) => r.detail);
    // A walk of latest_metrics_key_value would pass the metric's rows of every experiment.
    expect(steps[0]).toMatch(/^SEARCH runs USING INDEX runs_experiment_start/);
    expect(steps.some((s) => s.includes('latest_metrics_key_value'))).toBe(false);
  });

  it('tests a param or tag equality on the (key, value, run_uuid) index alone', async () => {
    for (const [filter, index] of [["params.model = 'rf'", 'run_params_key_value_run'], ["tags.team = 'survey'", 'run_tags_key_value_run']]) {
      const compiled = applyRunSearch(sdb.db.selectFrom('runs').selectAll('runs'), { filter }).compile();
      const plan = await sdb.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]));
      expect(plan.rows.map((r) => r.detail)).toContain(`SEARCH kv EXISTS USING COVERING INDEX ${index} (key=? AND value=? AND run_uuid=?)`);
    }
  });

  it('throws INVALID_PARAMETER_VALUE for a bad filter or order before any SQL runs', () => {
    const qb = sdb.db.selectFrom('runs').selectAll('runs');
    expect(() => applyRunSearch(qb, { filter: 'metrics.acc >> 1' })).toThrow(MlflowError);
    expect(() => applyRunSearch(qb, { filter: 'metrics.acc >> 1' })).toThrow(/at position 12/);
    expect(() => applyRunSearch(qb, { orderBy: ['metrics.a DESC ASC'] })).toThrow(/^Invalid order_by clause/);
  });
});
