/** The load both servers get, request for request: logging one metric, logging batches, searching runs. */
import { percentile, since, type ApiClient, type KeyValue, type MetricPoint } from './client.js';

/** MLflow's limits on one log_batch: 1,000 entries in all, of which at most 100 params and 100 tags. */
export const BATCH_ENTRIES = 1000;
const MIXED_PARAMS = 100;
const MIXED_TAGS = 100;
const BATCH_KEYS = 10;

export interface Latency {
  p50: number;
  p99: number;
  count: number;
}

/** Sequential `runs/log-metric` calls on one run; the warm-up calls are not timed. */
export async function logMetricLatency(client: ApiClient, experimentId: string, warmup: number, count: number): Promise<Latency> {
  const runId = await client.createRun(experimentId, 'log-metric', Date.now());
  const samples: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const t0 = performance.now();
    await client.post('/runs/log-metric', { run_id: runId, key: 'loss', value: 1 / (i + 1), timestamp: Date.now(), step: i });
    if (i >= warmup) samples.push(since(t0));
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), count };
}

/**
 * Rows per second over `batches` full `runs/log-batch` calls on one run, after one untimed batch.
 * Metrics-only batches log 10 keys x 100 steps; mixed ones swap 200 of those rows for 100 new
 * params and 100 tags (params can never change, so their keys are new in every batch).
 */
export async function logBatchRate(client: ApiClient, experimentId: string, batches: number, mixed: boolean): Promise<number> {
  const runId = await client.createRun(experimentId, mixed ? 'log-batch-mixed' : 'log-batch', Date.now());
  let elapsed = 0;
  for (let b = 0; b <= batches; b++) {
    const body = { run_id: runId, ...batchOf(b, mixed) };
    const t0 = performance.now();
    await client.post('/runs/log-batch', body);
    if (b > 0) elapsed += since(t0);
  }
  return (batches * BATCH_ENTRIES) / (elapsed / 1000);
}

function batchOf(b: number, mixed: boolean): { metrics: MetricPoint[]; params: KeyValue[]; tags: KeyValue[] } {
  const params = mixed ? Array.from({ length: MIXED_PARAMS }, (_, i) => ({ key: `p${b}_${i}`, value: String(i) })) : [];
  const tags = mixed ? Array.from({ length: MIXED_TAGS }, (_, i) => ({ key: `t${i}`, value: `batch ${b}` })) : [];
  const rows = BATCH_ENTRIES - params.length - tags.length;
  const timestamp = Date.now();
  const metrics = Array.from({ length: rows }, (_, i) => ({
    key: `m${i % BATCH_KEYS}`,
    value: Math.sin(b * rows + i),
    timestamp,
    step: b * Math.ceil(rows / BATCH_KEYS) + Math.floor(i / BATCH_KEYS),
  }));
  return { metrics, params, tags };
}

export const SEARCH_QUERY = {
  filter: "metrics.accuracy > 0.5 and params.model = 'rf'",
  order_by: ['metrics.accuracy DESC'],
  max_results: 100,
};

export interface SearchResult extends Latency {
  /** The accuracy of each run answered, in order: both servers must answer the same list. */
  accuracies: number[];
}

/**
 * `runs/search` repeated up to `count` times within `budgetMs`, after one untimed call. A call
 * that alone outlasts the budget (MLflow on 100,000 runs) is the only sample: repeating a
 * minutes-long query would blow the bench's time, and a warm-up does not change it.
 */
export async function searchLatency(client: ApiClient, experimentId: string, count: number, budgetMs: number): Promise<SearchResult> {
  const body = { experiment_ids: [experimentId], ...SEARCH_QUERY };
  type Answer = { runs?: { data: { metrics?: { key: string; value: number }[] } }[] };
  const start = performance.now();
  const first = await client.post<Answer>('/runs/search', body);
  const firstMs = since(start);
  const accuracies = (first.runs ?? []).map((r) => r.data.metrics?.find((m) => m.key === 'accuracy')?.value ?? NaN);
  const samples: number[] = [];
  while (samples.length < count && since(start) < budgetMs) {
    const t0 = performance.now();
    await client.post('/runs/search', body);
    samples.push(since(t0));
  }
  if (samples.length === 0) samples.push(firstMs);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), count: samples.length, accuracies };
}
