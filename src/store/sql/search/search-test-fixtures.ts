/**
 * Rows for the search tests, written straight into a migrated database. Only the columns search
 * reads matter; the rest get plain defaults. Used by tests only.
 */
import { migratedPostgresDatabase, stopLocalPostgres } from '../../../../tests/ts/contracts/store-implementations.js';
import { openDatabase, type SqlDatabase } from '../open-database.js';
import type { SqlDialectName } from '../sql-dialect-name.js';

export interface RunSeed {
  id: string;
  name?: string;
  experimentId?: number;
  userId?: string;
  status?: string;
  startTime?: number;
  endTime?: number | null;
  artifactUri?: string;
  /** Latest value of each metric; NaN is stored as MLflow stores it. */
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  datasets?: { name: string; digest: string; context?: string }[];
}

/** A migrated empty database: SQLite in memory, or a new database on this test file's PostgreSQL. */
export async function searchDatabase(dialect: SqlDialectName = 'sqlite'): Promise<SqlDatabase> {
  if (dialect === 'postgres') return openDatabase(await migratedPostgresDatabase());
  return openDatabase('sqlite:///:memory:');
}

/** The databases a search test runs on, each a real one; a file using postgres stops it with afterAll(stopLocalPostgres). */
export const SEARCH_DIALECTS: readonly SqlDialectName[] = ['sqlite', 'postgres'];
export { stopLocalPostgres };

export async function insertRun({ db }: SqlDatabase, seed: RunSeed): Promise<void> {
  const experimentId = seed.experimentId ?? 0;
  await db
    .insertInto('runs')
    .values({
      run_uuid: seed.id,
      name: seed.name ?? seed.id,
      experiment_id: experimentId,
      user_id: seed.userId ?? 'alice',
      status: seed.status ?? 'FINISHED',
      start_time: seed.startTime ?? 1000,
      end_time: seed.endTime === undefined ? 2000 : seed.endTime,
      deleted_time: null,
      lifecycle_stage: 'active',
      artifact_uri: seed.artifactUri ?? `mlflow-artifacts:/${experimentId}/${seed.id}/artifacts`,
    })
    .execute();
  for (const [key, value] of Object.entries(seed.metrics ?? {})) {
    const nan = Number.isNaN(value);
    await db
      .insertInto('latest_metrics')
      .values({ run_uuid: seed.id, key, value: nan ? 0 : value, is_nan: nan ? 1 : 0, timestamp: 1, step: 0 })
      .execute();
  }
  for (const [key, value] of Object.entries(seed.params ?? {})) {
    await db.insertInto('run_params').values({ run_uuid: seed.id, key, value }).execute();
  }
  for (const [key, value] of Object.entries(seed.tags ?? {})) {
    await db.insertInto('run_tags').values({ run_uuid: seed.id, key, value }).execute();
  }
  for (const d of seed.datasets ?? []) {
    const datasetUuid = `${d.name}-${d.digest}`;
    await db
      .insertInto('datasets')
      .values({ dataset_uuid: datasetUuid, experiment_id: experimentId, name: d.name, digest: d.digest, source_type: 'local', source: '{}', schema: null, profile: null })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await db.insertInto('run_dataset_inputs').values({ run_uuid: seed.id, dataset_uuid: datasetUuid }).execute();
    if (d.context !== undefined) {
      await db
        .insertInto('run_dataset_input_tags')
        .values({ run_uuid: seed.id, dataset_uuid: datasetUuid, key: 'mlflow.data.context', value: d.context })
        .execute();
    }
  }
}

export async function insertExperiment(
  { db }: SqlDatabase,
  seed: { id: number; name: string; creationTime: number; lastUpdateTime?: number; tags?: Record<string, string> },
): Promise<void> {
  await db
    .insertInto('experiments')
    .values({
      experiment_id: seed.id,
      name: seed.name,
      artifact_location: `mlflow-artifacts:/${seed.id}`,
      lifecycle_stage: 'active',
      creation_time: seed.creationTime,
      last_update_time: seed.lastUpdateTime ?? seed.creationTime,
    })
    .execute();
  for (const [key, value] of Object.entries(seed.tags ?? {})) {
    await db.insertInto('experiment_tags').values({ experiment_id: seed.id, key, value }).execute();
  }
}

export interface ModelSeed {
  id: string;
  name?: string;
  status?: string;
  modelType?: string | null;
  sourceRunId?: string | null;
  creationTime?: number;
  lastUpdatedTime?: number;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  metrics?: { key: string; value: number; timestamp?: number; step?: number; runId?: string; dataset?: [string, string] }[];
}

export async function insertModel({ db }: SqlDatabase, seed: ModelSeed): Promise<void> {
  await db
    .insertInto('logged_models')
    .values({
      model_id: seed.id,
      experiment_id: 0,
      name: seed.name ?? seed.id,
      artifact_location: `mlflow-artifacts:/0/models/${seed.id}/artifacts`,
      creation_timestamp_ms: seed.creationTime ?? 1000,
      last_updated_timestamp_ms: seed.lastUpdatedTime ?? seed.creationTime ?? 1000,
      status: seed.status ?? 'LOGGED_MODEL_READY',
      lifecycle_stage: 'active',
      model_type: seed.modelType === undefined ? null : seed.modelType,
      source_run_id: seed.sourceRunId === undefined ? null : seed.sourceRunId,
      status_message: null,
    })
    .execute();
  for (const [key, value] of Object.entries(seed.params ?? {})) {
    await db.insertInto('logged_model_params').values({ model_id: seed.id, key, value }).execute();
  }
  for (const [key, value] of Object.entries(seed.tags ?? {})) {
    await db.insertInto('logged_model_tags').values({ model_id: seed.id, key, value }).execute();
  }
  for (const m of seed.metrics ?? []) {
    const nan = Number.isNaN(m.value);
    await db
      .insertInto('logged_model_metrics')
      .values({
        model_id: seed.id,
        key: m.key,
        value: nan ? 0 : m.value,
        is_nan: nan ? 1 : 0,
        timestamp: m.timestamp ?? 1,
        step: m.step ?? 0,
        run_id: m.runId ?? 'run',
        dataset_name: m.dataset?.[0] ?? null,
        dataset_digest: m.dataset?.[1] ?? null,
      })
      .execute();
  }
}
