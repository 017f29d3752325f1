/**
 * The registered models the registry is measured on: the same deterministic data for both
 * servers, written either through a server's REST API or straight into its SQLite or PostgreSQL
 * tables with the rows that API stores. Every version's source is an `mlflow-artifacts:/` location under the
 * artifact root of one run, given as `run_id`: MLflow accepts such a source only with a run
 * whose artifact root holds it.
 */
import Sqlite from 'better-sqlite3';
import type { Kind } from './both.js';
import type { ApiClient, KeyValue } from './client.js';
import { PostgresRowWriter } from './postgres-rows.js';
import { sqliteRowWriter, type Cell, type TableRow } from './table-rows.js';

export const ALIAS = 'champion';
const VERSIONS = 3;
const TASKS = ['classification', 'regression', 'anomaly-detection'];

export interface SeedModel {
  name: string;
  tags: KeyValue[];
  versions: { version: number; tags: KeyValue[] }[];
  /** The version the `champion` alias points at. */
  champion: number;
}

/** The run every version's files are under. */
export interface SourceRun {
  runId: string;
  artifactUri: string;
}

/** Model number `i`: 2 tags, 3 versions of 1 tag each, `champion` on one of them. */
export function seedModel(i: number): SeedModel {
  return {
    name: `model-${i}`,
    tags: [
      { key: 'team', value: i % 2 === 0 ? 'survey' : 'transients' },
      { key: 'task', value: TASKS[i % TASKS.length]! },
    ],
    versions: Array.from({ length: VERSIONS }, (_, v) => ({ version: v + 1, tags: [{ key: 'trained_on', value: `dr${v + 1}` }] })),
    champion: 1 + (Math.imul(i + 1, 2654435761) >>> 0) % VERSIONS,
  };
}

export function sourceOf(run: SourceRun, name: string, version: number): string {
  return `${run.artifactUri}/${name}/v${version}`;
}

/** Models `from` to `to - 1` through the REST API, one request at a time. Returns seconds. */
export async function seedModelsViaApi(client: ApiClient, run: SourceRun, from: number, to: number): Promise<number> {
  const t0 = performance.now();
  for (let i = from; i < to; i++) {
    const m = seedModel(i);
    await client.post('/registered-models/create', { name: m.name, tags: m.tags });
    for (const v of m.versions) {
      await client.post('/model-versions/create', { name: m.name, source: sourceOf(run, m.name, v.version), run_id: run.runId, tags: v.tags });
    }
    await client.post('/registered-models/alias', { name: m.name, alias: ALIAS, version: String(m.champion) });
  }
  return (performance.now() - t0) / 1000;
}

/**
 * A server's registry tables for one model: its registered_models row, then the rows that
 * reference it by `key`. MLflow's rows name the model; Aviary's carry the id its row was numbered,
 * read back (MODEL_IDS) once the models are in.
 */
export interface ModelTables {
  model(m: SeedModel, now: number): TableRow;
  dependents(m: SeedModel, key: Cell, run: SourceRun, now: number): TableRow[];
  numbered: boolean;
}

const MODEL_IDS = 'SELECT registered_model_id AS id, name FROM registered_models';

/** MLflow's tables, with the values its SqlAlchemyStore stores for the calls above through its REST API. */
export const MLFLOW_MODEL_TABLES: ModelTables = {
  numbered: false,
  model: (m, now) => ({ table: 'registered_models', values: { name: m.name, creation_time: now, last_updated_time: now, description: '', workspace: 'default' } }),
  dependents: (m, name, run, now) => {
    const workspace = 'default';
    return [
      ...m.tags.map((t): TableRow => ({ table: 'registered_model_tags', values: { key: t.key, value: t.value, name, workspace } })),
      ...m.versions.map((v): TableRow => {
        const source = sourceOf(run, m.name, v.version);
        return {
          table: 'model_versions',
          values: {
            name, version: v.version, creation_time: now, last_updated_time: now, description: '', user_id: null, current_stage: 'None', source,
            run_id: run.runId, status: 'READY', status_message: null, run_link: '', storage_location: source, workspace,
          },
        };
      }),
      ...m.versions.flatMap((v) => v.tags.map((t): TableRow => ({ table: 'model_version_tags', values: { key: t.key, value: t.value, name, version: v.version, workspace } }))),
      { table: 'registered_model_aliases', values: { alias: ALIAS, version: m.champion, name, workspace } },
    ];
  },
};

/** Aviary's tables (src/store/sql/migrations/0002-registry.ts), as its create, create-version and alias calls fill them. */
export const AVIARY_MODEL_TABLES: ModelTables = {
  numbered: true,
  model: (m, now) => ({
    table: 'registered_models',
    values: { name: m.name, creation_timestamp: now, last_updated_timestamp: now, description: null, user_id: 'bench', last_version: m.versions.length },
  }),
  dependents: (m, id, run, now) => [
    ...m.tags.map((t): TableRow => ({ table: 'registered_model_tags', values: { registered_model_id: id, key: t.key, value: t.value } })),
    ...m.versions.map((v): TableRow => {
      const source = sourceOf(run, m.name, v.version);
      return {
        table: 'model_versions',
        values: {
          registered_model_id: id, version: v.version, creation_timestamp: now, last_updated_timestamp: now, user_id: 'bench', current_stage: 'None',
          description: null, source, storage_location: source, run_id: run.runId, run_link: null, model_id: null, status: 'READY', status_message: null,
        },
      };
    }),
    ...m.versions.flatMap((v) => v.tags.map((t): TableRow => ({ table: 'model_version_tags', values: { registered_model_id: id, version: v.version, key: t.key, value: t.value } }))),
    { table: 'registered_model_aliases', values: { registered_model_id: id, alias: ALIAS, version: m.champion } },
  ],
};

export const MODEL_TABLES: Record<Kind, ModelTables> = { aviary: AVIARY_MODEL_TABLES, mlflow: MLFLOW_MODEL_TABLES };

/** Models `from` to `to - 1` with the key each one's dependents name it by, once `ids` (MODEL_IDS' rows) are read. */
function keyedModels(tables: ModelTables, from: number, to: number, ids: () => { id: number; name: string }[]): { m: SeedModel; key: Cell }[] {
  const models = Array.from({ length: to - from }, (_, i) => seedModel(from + i));
  if (!tables.numbered) return models.map((m) => ({ m, key: m.name }));
  const idOf = new Map(ids().map((r) => [r.name, Number(r.id)]));
  return models.map((m) => ({ m, key: idOf.get(m.name)! }));
}

/** Models `from` to `to - 1` straight into a server's SQLite database, in one transaction, while it runs. Returns seconds. */
export function seedModelsSqlite(dbPath: string, tables: ModelTables, run: SourceRun, from: number, to: number): number {
  const t0 = performance.now();
  const db = new Sqlite(dbPath);
  db.pragma('busy_timeout = 30000');
  try {
    const write = sqliteRowWriter(db);
    const now = Date.now();
    db.transaction(() => {
      for (let i = from; i < to; i++) write(tables.model(seedModel(i), now));
      const models = keyedModels(tables, from, to, () => db.prepare(MODEL_IDS).all() as { id: number; name: string }[]);
      for (const { m, key } of models) tables.dependents(m, key, run, now).forEach(write);
    })();
  } finally {
    db.close();
  }
  return (performance.now() - t0) / 1000;
}

/** Models `from` to `to - 1` straight into a server's PostgreSQL database (`uri`), in one transaction, while it runs. Returns seconds. */
export async function seedModelsPostgres(uri: string, tables: ModelTables, run: SourceRun, from: number, to: number): Promise<number> {
  const t0 = performance.now();
  const db = await PostgresRowWriter.open(uri);
  try {
    const now = Date.now();
    await db.write(Array.from({ length: to - from }, (_, i) => tables.model(seedModel(from + i), now)));
    const ids = tables.numbered ? await db.query<{ id: number; name: string }>(MODEL_IDS) : [];
    const models = keyedModels(tables, from, to, () => ids);
    await db.write(models.flatMap(({ m, key }) => tables.dependents(m, key, run, now)));
    await db.commit();
  } finally {
    await db.close();
  }
  return (performance.now() - t0) / 1000;
}
