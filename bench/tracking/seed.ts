/**
 * The runs that search is measured on: the same deterministic data for both servers, written
 * either through a server's own REST API (create_run + log_batch per run) or straight into its
 * SQLite database with the rows those two calls store.
 */
import { randomUUID } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import type { ApiClient, KeyValue, MetricPoint } from './client.js';

const MODELS = ['rf', 'xgb', 'lr', 'mlp'];
const BASE_TIME = Date.UTC(2025, 0, 1);

export interface SeedRun {
  name: string;
  startTime: number;
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
}

/** Run number `i`: 3 metrics, 4 params and 1 tag besides the run name, from a PRNG seeded by `i`. */
export function seedRun(i: number): SeedRun {
  const random = mulberry32(i + 1);
  const startTime = BASE_TIME + i * 1000;
  const metric = (key: string, value: number) => ({ key, value, timestamp: startTime + 500, step: 0 });
  return {
    name: `run-${i}`,
    startTime,
    metrics: [metric('accuracy', random()), metric('loss', random() * 2), metric('f1', random())],
    params: [
      { key: 'model', value: MODELS[Math.floor(random() * MODELS.length)]! },
      { key: 'learning_rate', value: (random() / 10).toFixed(4) },
      { key: 'max_depth', value: String(2 + Math.floor(random() * 10)) },
      { key: 'seed', value: String(i) },
    ],
    tags: [{ key: 'team', value: i % 2 === 0 ? 'survey' : 'transients' }],
  };
}

/** Runs `from` to `to - 1` through the REST API, one request at a time. Returns seconds. */
export async function seedViaApi(client: ApiClient, experimentId: string, from: number, to: number): Promise<number> {
  const t0 = performance.now();
  for (let i = from; i < to; i++) {
    const run = seedRun(i);
    const runId = await client.createRun(experimentId, run.name, run.startTime);
    await client.post('/runs/log-batch', { run_id: runId, metrics: run.metrics, params: run.params, tags: run.tags });
  }
  return (performance.now() - t0) / 1000;
}

/** The INSERTs that store one run's rows in a server's own schema, with named parameters. */
export interface RunTables {
  run: string;
  tag: string;
  param: string;
  metric: string;
  latestMetric: string;
}

/** MLflow's tables, filled with the values its SqlAlchemyStore's create_run and log_batch store. */
export const MLFLOW_TABLES: RunTables = {
  run: `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time,
          source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time)
        VALUES (@run_uuid, @name, 'UNKNOWN', '', '', 'bench', 'RUNNING', @start_time, NULL, '', 'active', @artifact_uri, @experiment_id, NULL)`,
  tag: 'INSERT INTO tags (key, value, run_uuid) VALUES (@key, @value, @run_uuid)',
  param: 'INSERT INTO params (key, value, run_uuid) VALUES (@key, @value, @run_uuid)',
  metric: 'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (@key, @value, @timestamp, @run_uuid, @step, 0)',
  latestMetric: 'INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (@key, @value, @timestamp, @step, 0, @run_uuid)',
};

/** Aviary's tables (src/store/sql/schema.ts), filled as its create_run and log_batch fill them. */
export const AVIARY_TABLES: RunTables = {
  run: `INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, end_time, deleted_time, lifecycle_stage, artifact_uri)
        VALUES (@run_uuid, @name, @experiment_id, 'bench', 'RUNNING', @start_time, NULL, NULL, 'active', @artifact_uri)`,
  tag: 'INSERT INTO run_tags (run_uuid, key, value) VALUES (@run_uuid, @key, @value)',
  param: 'INSERT INTO run_params (run_uuid, key, value) VALUES (@run_uuid, @key, @value)',
  metric: 'INSERT INTO metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES (@run_uuid, @key, @value, 0, @timestamp, @step)',
  latestMetric: 'INSERT INTO latest_metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES (@run_uuid, @key, @value, 0, @timestamp, @step)',
};

/**
 * Runs `from` to `to - 1` written straight into a server's SQLite database, in one transaction,
 * while the server runs (neither caches rows). Returns seconds.
 */
export function seedSqlite(dbPath: string, tables: RunTables, experimentId: string, from: number, to: number): number {
  const t0 = performance.now();
  const db = new Sqlite(dbPath);
  db.pragma('busy_timeout = 30000');
  try {
    const experiment = db.prepare('SELECT artifact_location FROM experiments WHERE experiment_id = ?').get(Number(experimentId)) as
      | { artifact_location: string }
      | undefined;
    if (!experiment) throw new Error(`experiment ${experimentId} is not in ${dbPath}`);
    const [run, tag, param, metric, latestMetric] = [tables.run, tables.tag, tables.param, tables.metric, tables.latestMetric].map((q) => db.prepare(q));
    db.transaction(() => {
      for (let i = from; i < to; i++) {
        const r = seedRun(i);
        const run_uuid = randomUUID().replaceAll('-', '');
        const artifact_uri = `${experiment.artifact_location.replace(/\/+$/, '')}/${run_uuid}/artifacts`;
        run!.run({ run_uuid, name: r.name, start_time: r.startTime, artifact_uri, experiment_id: Number(experimentId) });
        for (const t of [{ key: 'mlflow.runName', value: r.name }, ...r.tags]) tag!.run({ run_uuid, ...t });
        for (const p of r.params) param!.run({ run_uuid, ...p });
        for (const m of r.metrics) {
          metric!.run({ run_uuid, ...m });
          latestMetric!.run({ run_uuid, ...m });
        }
      }
    })();
  } finally {
    db.close();
  }
  return (performance.now() - t0) / 1000;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
