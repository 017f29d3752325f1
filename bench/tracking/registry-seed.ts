/**
 * The registered models the registry is measured on: the same deterministic data for both
 * servers, written either through a server's REST API or straight into its SQLite tables with
 * the rows that API stores. Every version's source is an `mlflow-artifacts:/` location under the
 * artifact root of one run, given as `run_id`: MLflow accepts such a source only with a run
 * whose artifact root holds it.
 */
import Sqlite from 'better-sqlite3';
import type { ApiClient, KeyValue } from './client.js';

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

/** Writes one model with its versions, tags and alias into a server's own tables. */
export type ModelWriter = (m: SeedModel, run: SourceRun, now: number) => void;

/** MLflow's tables, with the values its SqlAlchemyStore stores for the calls above through its REST API. */
export function mlflowModelWriter(db: Sqlite.Database): ModelWriter {
  const model = db.prepare("INSERT INTO registered_models (name, creation_time, last_updated_time, description, workspace) VALUES (?, ?, ?, '', 'default')");
  const modelTag = db.prepare("INSERT INTO registered_model_tags (key, value, name, workspace) VALUES (?, ?, ?, 'default')");
  const version = db.prepare(`INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage,
      source, run_id, status, status_message, run_link, storage_location, workspace)
    VALUES (?, ?, ?, ?, '', NULL, 'None', ?, ?, 'READY', NULL, '', ?, 'default')`);
  const versionTag = db.prepare("INSERT INTO model_version_tags (key, value, name, version, workspace) VALUES (?, ?, ?, ?, 'default')");
  const alias = db.prepare("INSERT INTO registered_model_aliases (alias, version, name, workspace) VALUES (?, ?, ?, 'default')");
  return (m, run, now) => {
    model.run(m.name, now, now);
    for (const t of m.tags) modelTag.run(t.key, t.value, m.name);
    for (const v of m.versions) {
      const source = sourceOf(run, m.name, v.version);
      version.run(m.name, v.version, now, now, source, run.runId, source);
      for (const t of v.tags) versionTag.run(t.key, t.value, m.name, v.version);
    }
    alias.run(ALIAS, m.champion, m.name);
  };
}

/** Aviary's tables (src/store/sql/migrations/0002-registry.ts), as its create, create-version and alias calls fill them. */
export function aviaryModelWriter(db: Sqlite.Database, userId: string): ModelWriter {
  const model = db.prepare(`INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, description, user_id, last_version)
    VALUES (?, ?, ?, NULL, ?, ?)`);
  const modelTag = db.prepare('INSERT INTO registered_model_tags (registered_model_id, key, value) VALUES (?, ?, ?)');
  const version = db.prepare(`INSERT INTO model_versions (registered_model_id, version, creation_timestamp, last_updated_timestamp, user_id,
      current_stage, description, source, storage_location, run_id, run_link, model_id, status, status_message)
    VALUES (?, ?, ?, ?, ?, 'None', NULL, ?, ?, ?, NULL, NULL, 'READY', NULL)`);
  const versionTag = db.prepare('INSERT INTO model_version_tags (registered_model_id, version, key, value) VALUES (?, ?, ?, ?)');
  const alias = db.prepare('INSERT INTO registered_model_aliases (registered_model_id, alias, version) VALUES (?, ?, ?)');
  return (m, run, now) => {
    const id = model.run(m.name, now, now, userId, m.versions.length).lastInsertRowid;
    for (const t of m.tags) modelTag.run(id, t.key, t.value);
    for (const v of m.versions) {
      const source = sourceOf(run, m.name, v.version);
      version.run(id, v.version, now, now, userId, source, source, run.runId);
      for (const t of v.tags) versionTag.run(id, v.version, t.key, t.value);
    }
    alias.run(id, ALIAS, m.champion);
  };
}

/** Models `from` to `to - 1` straight into a server's SQLite database, in one transaction, while it runs. Returns seconds. */
export function seedModelsSqlite(dbPath: string, writerOf: (db: Sqlite.Database) => ModelWriter, run: SourceRun, from: number, to: number): number {
  const t0 = performance.now();
  const db = new Sqlite(dbPath);
  db.pragma('busy_timeout = 30000');
  try {
    const write = writerOf(db);
    const now = Date.now();
    db.transaction(() => {
      for (let i = from; i < to; i++) write(seedModel(i), run, now);
    })();
  } finally {
    db.close();
  }
  return (performance.now() - t0) / 1000;
}
