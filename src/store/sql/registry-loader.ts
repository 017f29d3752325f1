/**
 * Hydrates registry rows into MLflow's shapes with one query per table for a whole page:
 * a registered-models page (with latest versions per stage, tags and aliases) costs four.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { KeyValue, ModelVersion, RegisteredModel, Stage } from '../../registry/entities.js';
import type { Database, ModelVersionsTable, RegisteredModelAliasesTable, RegisteredModelsTable } from './schema.js';

export type VersionRow = Selectable<ModelVersionsTable> & { name: string };

export async function loadVersions(
  db: Kysely<Database>,
  rows: VersionRow[],
  /** The aliases of every model of `rows`, when the caller has them already. */
  knownAliases?: readonly Selectable<RegisteredModelAliasesTable>[],
): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const modelIds = [...new Set(rows.map((r) => r.registered_model_id))];
  const versions = [...new Set(rows.map((r) => r.version))];
  // Tags of the rows' versions only (the version filter over-selects a little across models: filtered below).
  const [tags, aliases] = await Promise.all([
    db.selectFrom('model_version_tags').selectAll().where('registered_model_id', 'in', modelIds).where('version', 'in', versions).execute(),
    knownAliases ?? db.selectFrom('registered_model_aliases').selectAll().where('registered_model_id', 'in', modelIds).execute(),
  ]);
  const key = (id: number, version: number) => `${id}/${version}`;
  const tagsOf = group(tags, (t) => key(t.registered_model_id, t.version));
  const aliasesOf = group(aliases, (a) => key(a.registered_model_id, a.version));
  return rows.map((r) => {
    const k = key(r.registered_model_id, r.version);
    return versionOf(r, tagsOf.get(k) ?? [], (aliasesOf.get(k) ?? []).map((a) => a.alias));
  });
}

/** One version in MLflow's shape, from its row, its tags and its aliases. */
export function versionOf(r: Omit<VersionRow, 'registered_model_id'>, tags: readonly KeyValue[], aliases: readonly string[]): ModelVersion {
  const v: ModelVersion = {
    name: r.name,
    version: String(r.version),
    creation_timestamp: r.creation_timestamp,
    last_updated_timestamp: r.last_updated_timestamp,
    current_stage: r.current_stage as Stage,
    source: r.source,
    status: r.status as ModelVersion['status'],
    tags: tags.map(({ key: tk, value }) => ({ key: tk, value })),
    aliases: [...aliases].sort(),
  };
  if (r.user_id) v.user_id = r.user_id;
  if (r.description) v.description = r.description;
  if (r.run_id) v.run_id = r.run_id;
  if (r.run_link) v.run_link = r.run_link;
  if (r.model_id) v.model_id = r.model_id;
  if (r.status_message) v.status_message = r.status_message;
  return v;
}

export async function loadRegisteredModels(db: Kysely<Database>, rows: Selectable<RegisteredModelsTable>[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.registered_model_id);
  // The newest version of each (model, stage), found per version row through the primary key:
  // cheaper than ranking every version of the page's models.
  const [latestRows, tags, aliases] = await Promise.all([
    db
      .selectFrom('model_versions as mv')
      .innerJoin('registered_models as rm', 'rm.registered_model_id', 'mv.registered_model_id')
      .selectAll('mv')
      .select('rm.name')
      .where('mv.registered_model_id', 'in', ids)
      .where(
        'mv.version',
        '=',
        sql<number>`(select max(m2.version) from model_versions m2 where m2.registered_model_id = mv.registered_model_id and m2.current_stage = mv.current_stage)`,
      )
      .execute(),
    db.selectFrom('registered_model_tags').selectAll().where('registered_model_id', 'in', ids).execute(),
    db.selectFrom('registered_model_aliases').selectAll().where('registered_model_id', 'in', ids).orderBy('alias').execute(),
  ]);
  const latest = group(await loadVersions(db, latestRows as VersionRow[], aliases), (v) => v.name);
  const tagsOf = group(tags, (t) => t.registered_model_id);
  const aliasesOf = group(aliases, (a) => a.registered_model_id);
  return rows.map((r) =>
    registeredModelOf(
      r,
      (latest.get(r.name) ?? []).sort((a, b) => Number(a.version) - Number(b.version)),
      tagsOf.get(r.registered_model_id) ?? [],
      (aliasesOf.get(r.registered_model_id) ?? []).map((a) => ({ alias: a.alias, version: String(a.version) })),
    ),
  );
}

/** One registered model in MLflow's shape, from its row and what hangs off it. */
export function registeredModelOf(
  r: Omit<Selectable<RegisteredModelsTable>, 'registered_model_id' | 'last_version'>,
  latestVersions: ModelVersion[],
  tags: readonly KeyValue[],
  aliases: RegisteredModel['aliases'],
): RegisteredModel {
  const m: RegisteredModel = {
    name: r.name,
    creation_timestamp: r.creation_timestamp,
    last_updated_timestamp: r.last_updated_timestamp,
    latest_versions: latestVersions,
    tags: tags.map(({ key, value }) => ({ key, value })),
    aliases,
  };
  if (r.user_id) m.user_id = r.user_id;
  if (r.description) m.description = r.description;
  return m;
}

function group<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
