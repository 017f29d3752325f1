// Every search endpoint sharing MLflow's filter grammar, over real HTTP and real SQLite: a filter
// at the grammar's limits compiles and runs (the limits leave SQLite room), one past them is
// MLflow's 400 naming the limit, never a 500 from SQLite.
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAviary, type Aviary } from '../../app/open-aviary.js';
import { silentLogger } from '../../common/logger.js';
import { MAX_SEARCH_DATASETS } from '../../tracking/search/logged-model-search.js';
import { MAX_FILTER_CONDITIONS, MAX_FILTER_LIST_VALUES } from '../../tracking/search/parse-filter.js';
import { createApp } from '../create-app.js';

let dir: string;
let aviary: Aviary;
let server: Server;
let base: string;
let experimentId: string;
const runIds: string[] = [];

async function call(method: 'GET' | 'POST', path: string, body: Record<string, unknown>) {
  const query = method === 'GET' ? `?${new URLSearchParams(body as Record<string, string>)}` : '';
  const res = await fetch(`${base}/api/2.0/mlflow${path}${query}`, {
    method,
    headers: method === 'POST' ? { 'Content-Type': 'application/json' } : {},
    body: method === 'POST' ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
const post = (path: string, body: Record<string, unknown>) => call('POST', path, body);

/** `count` conditions, the i-th made by `condition(i)`, AND-ed. */
const anded = (count: number, condition: (i: number) => string) => Array.from({ length: count }, (_, i) => condition(i)).join(' AND ');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aviary-search-limits-'));
  aviary = await openAviary({ backendStoreUri: 'sqlite:///:memory:', artifactsDestination: dir }, silentLogger);
  server = createApp(aviary, { version: 'test' }, silentLogger);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  experimentId = (await post('/experiments/create', { name: 'limits', tags: [{ key: 't', value: 'xyz' }] })).json.experiment_id;
  for (const [i, acc] of [0.5, 0.75, 0.25].entries()) {
    const { run } = (await post('/runs/create', { experiment_id: experimentId, start_time: 1000 + i })).json;
    runIds.push(run.info.run_id);
    await post('/runs/log-batch', { run_id: run.info.run_id, metrics: [{ key: 'acc', value: acc, timestamp: 1, step: 0 }], tags: [{ key: 't', value: i === 2 ? 'other' : 'xyz' }] });
  }
  await post('/registered-models/create', { name: 'm', tags: [{ key: 't', value: 'xyz' }] });
  await post('/model-versions/create', { name: 'm', source: `runs:/${runIds[0]}/model`, run_id: runIds[0], tags: [{ key: 't', value: 'xyz' }] });
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await aviary.close();
  await rm(dir, { recursive: true, force: true });
});

describe(`search filters with ${MAX_FILTER_CONDITIONS} conditions run on SQLite`, () => {
  it('runs/search: metric, tag, dataset and attribute conditions, sorted by metrics and paged', async () => {
    // Metric != is the deepest condition: an EXISTS whose test is OR-ed with the NaN check.
    const filter = anded(MAX_FILTER_CONDITIONS, (i) => (i % 2 === 0 ? `metrics.acc != ${-i}` : `tags.t LIKE 'xy%'`));
    const query = { experiment_ids: [experimentId], filter, order_by: ['metrics.acc DESC', 'tags.t', 'params.p'], max_results: 1 };
    const first = await post('/runs/search', query);
    expect(first.status).toBe(200);
    expect(first.json.runs.map((r: any) => r.info.run_id)).toEqual([runIds[1]]);
    const second = await post('/runs/search', { ...query, page_token: first.json.next_page_token });
    expect(second.status).toBe(200);
    expect(second.json.runs.map((r: any) => r.info.run_id)).toEqual([runIds[0]]);

    // Attribute conditions alone join the order's keys instead.
    const attributes = anded(MAX_FILTER_CONDITIONS, (i) => `attributes.start_time >= ${1000 - i}`);
    const joined = await post('/runs/search', { experiment_ids: [experimentId], filter: attributes, order_by: ['metrics.acc', 'tags.t', 'params.p'] });
    expect(joined.status).toBe(200);
    expect(joined.json.runs.map((r: any) => r.info.run_id)).toEqual([runIds[2], runIds[0], runIds[1]]);

    const datasets = anded(MAX_FILTER_CONDITIONS, (i) => (i % 2 === 0 ? `datasets.name IN ('a', 'b')` : `datasets.context ILIKE 'train%'`));
    expect(await post('/runs/search', { experiment_ids: [experimentId], filter: datasets })).toEqual({ status: 200, json: { runs: [] } });
  });

  it('runs/search: IN lists holding the most values allowed', async () => {
    const values = Array.from({ length: MAX_FILTER_LIST_VALUES - 1 }, (_, i) => `'x${i}'`).join(',');
    const { status, json } = await post('/runs/search', { experiment_ids: [experimentId], filter: `attributes.run_id IN (${values},'${runIds[1]}')` });
    expect(status).toBe(200);
    expect(json.runs.map((r: any) => r.info.run_id)).toEqual([runIds[1]]);
  });

  it('experiments/search, logged-models/search (with the most datasets), registered-models/search, model-versions/search', async () => {
    const experiments = await post('/experiments/search', { filter: anded(MAX_FILTER_CONDITIONS, (i) => `tags.t ILIKE 'X%' AND name != '${i}'`.split(' AND ')[i % 2]!) });
    expect(experiments.status).toBe(200);
    expect(experiments.json.experiments.map((e: any) => e.name)).toEqual(['limits']);

    // Every metric comparison repeats the datasets' names and digests as parameters, beside the IN lists' values.
    const datasets = Array.from({ length: MAX_SEARCH_DATASETS }, (_, i) => ({ dataset_name: `d${i}`, dataset_digest: 'x' }));
    const values = Array.from({ length: MAX_FILTER_LIST_VALUES }, (_, i) => `'v${i}'`).join(',');
    const models = await post('/logged-models/search', {
      experiment_ids: [experimentId],
      filter: `${anded(MAX_FILTER_CONDITIONS - 1, (i) => `metrics.acc != ${-i}`)} AND params.p NOT IN (${values})`,
      datasets,
      order_by: [{ field_name: 'metrics.acc', dataset_name: 'd0' }],
    });
    expect(models).toEqual({ status: 200, json: { models: [] } });

    const tagged = anded(MAX_FILTER_CONDITIONS, () => `tags.t ILIKE 'x%'`);
    const registered = await call('GET', '/registered-models/search', { filter: tagged });
    expect(registered.status).toBe(200);
    expect(registered.json.registered_models.map((m: any) => m.name)).toEqual(['m']);
    // Many tag conditions make SQLite slow to prepare a model version search (seconds from about
    // 50), so most conditions here are on the model's name, the last ones on tags.
    const named = anded(MAX_FILTER_CONDITIONS, (i) => (i < MAX_FILTER_CONDITIONS - 10 ? `name ILIKE 'M'` : `tags.t ILIKE 'x%'`));
    const versions = await call('GET', '/model-versions/search', { filter: named });
    expect(versions.status).toBe(200);
    expect(versions.json.model_versions.map((v: any) => v.version)).toEqual(['1']);
  });
});

describe('search filters past the limits are refused with 400', () => {
  const tooMany = new RegExp(`^Invalid filter: the filter has (\\d+) conditions; at most ${MAX_FILTER_CONDITIONS} are allowed`);

  it('runs/search with 1,000 AND-ed conditions, and with one too many', async () => {
    for (const count of [1000, MAX_FILTER_CONDITIONS + 1]) {
      const { status, json } = await post('/runs/search', { experiment_ids: [experimentId], filter: anded(count, (i) => `metrics.acc != ${-i}`) });
      expect(status).toBe(400);
      expect(json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(json.message).toMatch(tooMany);
      expect(tooMany.exec(json.message)![1]).toBe(String(count));
    }
  });

  it('runs/search with IN lists over the limit', async () => {
    const values = Array.from({ length: 40_000 }, (_, i) => `'x${i}'`).join(',');
    const { status, json } = await post('/runs/search', { experiment_ids: [experimentId], filter: `attributes.run_id IN (${values})` });
    expect(status).toBe(400);
    expect(json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `Invalid filter: the IN lists of the filter hold 40000 values; at most ${MAX_FILTER_LIST_VALUES} are allowed in all`,
    });
  });

  it('experiments, logged models (and their datasets), registered models and model versions', async () => {
    const over = anded(MAX_FILTER_CONDITIONS + 1, () => `tags.t = 'xyz'`);
    const answers = [
      await post('/experiments/search', { filter: over }),
      await post('/logged-models/search', { experiment_ids: [experimentId], filter: over }),
      await call('GET', '/registered-models/search', { filter: over }),
      await call('GET', '/model-versions/search', { filter: over }),
    ];
    for (const { status, json } of answers) {
      expect(status).toBe(400);
      expect(json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(json.message).toMatch(tooMany);
    }
    const datasets = Array.from({ length: 1000 }, (_, i) => ({ dataset_name: `d${i}` }));
    const models = await post('/logged-models/search', { experiment_ids: [experimentId], filter: 'metrics.acc > 0', datasets });
    expect(models).toMatchObject({
      status: 400,
      json: { error_code: 'INVALID_PARAMETER_VALUE', message: `The \`datasets\` clause names 1000 datasets; at most ${MAX_SEARCH_DATASETS} are allowed.` },
    });
  });
});
