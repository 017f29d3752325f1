/**
 * The runs that search is measured on: the same deterministic data for both servers, written
 * either through a server's own REST API (create_run + log_batch per run) or straight into its
 * SQLite or PostgreSQL database with the rows those two calls store.
 */
import { randomUUID } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { redactUri } from '../../src/store/sql/database-uri.js';
import type { Kind } from './both.js';
import type { ApiClient, KeyValue, MetricPoint } from './client.js';
import { PostgresRowWriter } from './postgres-rows.js';
import { sqliteRowWriter, type TableRow } from './table-rows.js';

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

/** One seeded run as a server's tables hold it, with what the server assigned. */
interface StoredRun {
  runUuid: string;
  experimentId: number;
  artifactUri: string;
  run: SeedRun;
}

/** A server's tables for one run: the run's row, then the rows that reference it. */
export type RunTables = (stored: StoredRun) => TableRow[];

/** MLflow's tables, filled with the values its SqlAlchemyStore's create_run and log_batch store. */
export const MLFLOW_TABLES: RunTables = ({ runUuid: run_uuid, experimentId, artifactUri, run }) => [
  {
    table: 'runs',
    values: {
      run_uuid, name: run.name, source_type: 'UNKNOWN', source_name: '', entry_point_name: '', user_id: 'bench', status: 'RUNNING',
      start_time: run.startTime, end_time: null, source_version: '', lifecycle_stage: 'active', artifact_uri: artifactUri,
      experiment_id: experimentId, deleted_time: null,
    },
  },
  ...tagsOf(run).map((t) => ({ table: 'tags', values: { key: t.key, value: t.value, run_uuid } })),
  ...run.params.map((p) => ({ table: 'params', values: { key: p.key, value: p.value, run_uuid } })),
  ...run.metrics.map((m) => ({ table: 'metrics', values: { key: m.key, value: m.value, timestamp: m.timestamp, run_uuid, step: m.step, is_nan: 0 } })),
  ...run.metrics.map((m) => ({ table: 'latest_metrics', values: { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step, is_nan: 0, run_uuid } })),
];

/** Aviary's tables (src/store/sql/schema.ts), filled as its create_run and log_batch fill them. */
export const AVIARY_TABLES: RunTables = ({ runUuid: run_uuid, experimentId, artifactUri, run }) => [
  {
    table: 'runs',
    values: {
      run_uuid, name: run.name, experiment_id: experimentId, user_id: 'bench', status: 'RUNNING', start_time: run.startTime,
      end_time: null, deleted_time: null, lifecycle_stage: 'active', artifact_uri: artifactUri,
    },
  },
  ...tagsOf(run).map((t) => ({ table: 'run_tags', values: { run_uuid, key: t.key, value: t.value } })),
  ...run.params.map((p) => ({ table: 'run_params', values: { run_uuid, key: p.key, value: p.value } })),
  ...run.metrics.map((m) => ({ table: 'metrics', values: { run_uuid, key: m.key, value: m.value, is_nan: 0, timestamp: m.timestamp, step: m.step } })),
  ...run.metrics.map((m) => ({ table: 'latest_metrics', values: { run_uuid, key: m.key, value: m.value, is_nan: 0, timestamp: m.timestamp, step: m.step } })),
];

export const RUN_TABLES: Record<Kind, RunTables> = { aviary: AVIARY_TABLES, mlflow: MLFLOW_TABLES };

/** The run name is stored as a tag too, as create_run does. */
function tagsOf(run: SeedRun): KeyValue[] {
  return [{ key: 'mlflow.runName', value: run.name }, ...run.tags];
}

/** The rows of runs `from` to `to - 1` in the experiment whose artifact root is `artifactLocation`. */
function* runRows(tables: RunTables, artifactLocation: string, experimentId: string, from: number, to: number): Generator<TableRow> {
  for (let i = from; i < to; i++) {
    const runUuid = randomUUID().replaceAll('-', '');
    const artifactUri = `${artifactLocation.replace(/\/+$/, '')}/${runUuid}/artifacts`;
    yield* tables({ runUuid, experimentId: Number(experimentId), artifactUri, run: seedRun(i) });
  }
}

const EXPERIMENT_ROOT = 'SELECT artifact_location FROM experiments WHERE experiment_id = ';

/**
 * Runs `from` to `to - 1` written straight into a server's SQLite database, in one transaction,
 * while the server runs (neither caches rows). Returns seconds.
 */
export function seedSqlite(dbPath: string, tables: RunTables, experimentId: string, from: number, to: number): number {
  const t0 = performance.now();
  const db = new Sqlite(dbPath);
  db.pragma('busy_timeout = 30000');
  try {
    const experiment = db.prepare(`${EXPERIMENT_ROOT}?`).get(Number(experimentId)) as { artifact_location: string } | undefined;
    if (!experiment) throw new Error(`experiment ${experimentId} is not in ${dbPath}`);
    const write = sqliteRowWriter(db);
    db.transaction(() => {
      for (const row of runRows(tables, experiment.artifact_location, experimentId, from, to)) write(row);
    })();
  } finally {
    db.close();
  }
  return (performance.now() - t0) / 1000;
}

/** The same runs written straight into a server's PostgreSQL database (`uri`), in one transaction, while it runs. Returns seconds. */
export async function seedPostgres(uri: string, tables: RunTables, experimentId: string, from: number, to: number): Promise<number> {
  const t0 = performance.now();
  const db = await PostgresRowWriter.open(uri);
  try {
    const [experiment] = await db.query<{ artifact_location: string }>(`${EXPERIMENT_ROOT}$1`, [Number(experimentId)]);
    if (!experiment) throw new Error(`experiment ${experimentId} is not in the database ${redactUri(uri)}`);
    await db.write(runRows(tables, experiment.artifact_location, experimentId, from, to));
    await db.commit();
  } finally {
    await db.close();
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
