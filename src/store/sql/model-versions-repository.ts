/** Model versions, their tags, stages and aliases in the SQL store. */
import type { Kysely } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import type { KeyValue, ModelVersion, Page, Stage } from '../../registry/entities.js';
import type { CreateModelVersionInput, RegistrySearch } from '../../registry/registry-store.js';
import { decodePageToken, encodePageToken } from '../../tracking/search/page-token.js';
import type { RegisteredModelsRepository } from './registered-models-repository.js';
import { MAX_INTEGER_ID } from './ids.js';
import { byKey } from './key-order.js';
import { loadVersions, versionOf, type VersionRow } from './registry-loader.js';
import type { Database } from './schema.js';
import { applyModelVersionSearch } from './search/index.js';
import type { SqlDialectName } from './sql-dialect-name.js';
import { writeTransaction } from './write-transaction.js';

const MAX_RESULTS = 200_000;

export function parseVersion(version: string): number {
  if (!/^\s*\d+\s*$/.test(version)) throw MlflowError.invalid(`Parameter 'version' must be an integer, got '${version}'.`);
  return Number(version);
}

export class ModelVersionsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly models: RegisteredModelsRepository,
    private readonly dialect: SqlDialectName,
  ) {}

  private versions() {
    return this.db
      .selectFrom('model_versions')
      .innerJoin('registered_models', 'registered_models.registered_model_id', 'model_versions.registered_model_id')
      .selectAll('model_versions')
      .select('registered_models.name');
  }

  private async row(name: string, version: string): Promise<VersionRow> {
    const number = parseVersion(version);
    if (number > MAX_INTEGER_ID) throw MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
    const row = await this.versions()
      .where('registered_models.name', '=', name)
      .where('model_versions.version', '=', number)
      .executeTakeFirst();
    if (!row) throw MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
    return row;
  }

  async create(input: CreateModelVersionInput): Promise<ModelVersion> {
    const now = Date.now();
    const tags = [...new Map(input.tags.map((t) => [t.key, t.value]))].map(([key, value]) => ({ key, value }));
    const row = {
      creation_timestamp: now,
      last_updated_timestamp: now,
      user_id: input.userId ?? null,
      current_stage: 'None',
      description: input.description ?? null,
      source: input.source,
      storage_location: input.storageLocation,
      run_id: input.runId ?? null,
      run_link: input.runLink ?? null,
      model_id: input.modelId ?? null,
      status: 'READY',
      status_message: null,
    };
    const version = await writeTransaction(this.db, async (tx) => {
      // The counter lives on the model row, so numbers grow even after deletions and two writers never share one.
      const model = await tx
        .updateTable('registered_models')
        // The model's "created by" is the user of its first version when it had none.
        .set((eb) => ({
          last_version: eb('last_version', '+', 1),
          last_updated_timestamp: now,
          user_id: eb.fn.coalesce('user_id', eb.val(input.userId ?? null)),
        }))
        .where('name', '=', input.name)
        .returning(['registered_model_id', 'last_version'])
        .executeTakeFirst();
      if (!model) throw MlflowError.notFound(`Registered Model with name=${input.name} not found`);
      const { registered_model_id: id, last_version } = model;
      await tx
        .insertInto('model_versions')
        .values({ registered_model_id: id, version: last_version, ...row })
        .execute();
      if (tags.length > 0) {
        await tx
          .insertInto('model_version_tags')
          .values(tags.map((t) => ({ registered_model_id: id, version: last_version, ...t })))
          .execute();
      }
      return last_version;
    });
    // What was just written, not read back (a round trip each on PostgreSQL): a new number never
    // had an alias, and its tags come in key order as a read by primary key gives them.
    return versionOf({ name: input.name, version, ...row }, byKey(tags), []);
  }

  async get(name: string, version: string): Promise<ModelVersion> {
    return (await loadVersions(this.db, [await this.row(name, version)]))[0]!;
  }

  async update(name: string, version: string, description: string | undefined): Promise<ModelVersion> {
    const row = await this.row(name, version);
    await this.db
      .updateTable('model_versions')
      .set({ description: description ?? null, last_updated_timestamp: Date.now() })
      .where('registered_model_id', '=', row.registered_model_id)
      .where('version', '=', row.version)
      .execute();
    return this.get(name, version);
  }

  async delete(name: string, version: string): Promise<{ removedAliases: string[] }> {
    const row = await this.row(name, version);
    const at = { id: row.registered_model_id, version: row.version };
    return writeTransaction(this.db, async (tx) => {
      const aliases = await tx
        .deleteFrom('registered_model_aliases')
        .where('registered_model_id', '=', at.id)
        .where('version', '=', at.version)
        .returning('alias')
        .execute();
      await tx.deleteFrom('model_version_tags').where('registered_model_id', '=', at.id).where('version', '=', at.version).execute();
      await tx.deleteFrom('model_versions').where('registered_model_id', '=', at.id).where('version', '=', at.version).execute();
      await tx.updateTable('registered_models').set({ last_updated_timestamp: Date.now() }).where('registered_model_id', '=', at.id).execute();
      return { removedAliases: aliases.map((a) => a.alias).sort() };
    });
  }

  async transitionStage(name: string, version: string, stage: Stage, archiveExisting: boolean): Promise<ModelVersion> {
    const row = await this.row(name, version);
    const now = Date.now();
    await writeTransaction(this.db, async (tx) => {
      if (archiveExisting && (stage === 'Staging' || stage === 'Production')) {
        await tx
          .updateTable('model_versions')
          .set({ current_stage: 'Archived', last_updated_timestamp: now })
          .where('registered_model_id', '=', row.registered_model_id)
          .where('current_stage', '=', stage)
          .where('version', '!=', row.version)
          .execute();
      }
      await tx
        .updateTable('model_versions')
        .set({ current_stage: stage, last_updated_timestamp: now })
        .where('registered_model_id', '=', row.registered_model_id)
        .where('version', '=', row.version)
        .execute();
    });
    return this.get(name, version);
  }

  async latest(name: string, stages: Stage[] | undefined): Promise<ModelVersion[]> {
    const id = await this.models.idOf(name);
    let qb = this.versions().where('model_versions.registered_model_id', '=', id);
    if (stages && stages.length > 0) qb = qb.where('model_versions.current_stage', 'in', stages);
    const rows = await qb.orderBy('model_versions.version', 'desc').execute();
    const newest = new Map<string, VersionRow>();
    for (const r of rows) if (!newest.has(r.current_stage)) newest.set(r.current_stage, r);
    return loadVersions(this.db, [...newest.values()].sort((a, b) => a.version - b.version));
  }

  async search(query: RegistrySearch): Promise<Page<ModelVersion>> {
    if (query.maxResults < 1 || query.maxResults > MAX_RESULTS) {
      throw MlflowError.invalid(
        `Invalid value for request parameter max_results. It must be at most ${MAX_RESULTS}, but got value ${query.maxResults}`,
      );
    }
    const offset = decodePageToken(query.pageToken);
    const qb = applyModelVersionSearch(this.versions(), { filter: query.filter, orderBy: query.orderBy, dialect: this.dialect });
    const rows = await qb.limit(query.maxResults + 1).offset(offset).execute();
    const more = rows.length > query.maxResults;
    const items = await loadVersions(this.db, more ? rows.slice(0, query.maxResults) : rows);
    return { items, nextPageToken: more ? encodePageToken(offset + query.maxResults) : undefined };
  }

  async downloadUri(name: string, version: string): Promise<string> {
    return (await this.row(name, version)).storage_location;
  }

  async setTag(name: string, version: string, tag: KeyValue): Promise<void> {
    const row = await this.row(name, version);
    await this.db
      .insertInto('model_version_tags')
      .values({ registered_model_id: row.registered_model_id, version: row.version, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['registered_model_id', 'version', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  }

  async deleteTag(name: string, version: string, key: string): Promise<boolean> {
    const row = await this.row(name, version);
    const result = await this.db
      .deleteFrom('model_version_tags')
      .where('registered_model_id', '=', row.registered_model_id)
      .where('version', '=', row.version)
      .where('key', '=', key)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async setAlias(name: string, alias: string, version: string): Promise<{ previousVersion?: string }> {
    const row = await this.row(name, version);
    return writeTransaction(this.db, async (tx) => {
      // The model's row first: its lock makes concurrent moves of its aliases take turns (on
      // PostgreSQL; SQLite's writers always do), so each reports the version it really moved from.
      await tx
        .updateTable('registered_models')
        .set({ last_updated_timestamp: Date.now() })
        .where('registered_model_id', '=', row.registered_model_id)
        .execute();
      const previous = await tx
        .selectFrom('registered_model_aliases')
        .select('version')
        .where('registered_model_id', '=', row.registered_model_id)
        .where('alias', '=', alias)
        .executeTakeFirst();
      await tx
        .insertInto('registered_model_aliases')
        .values({ registered_model_id: row.registered_model_id, alias, version: row.version })
        .onConflict((oc) => oc.columns(['registered_model_id', 'alias']).doUpdateSet({ version: row.version }))
        .execute();
      return previous ? { previousVersion: String(previous.version) } : {};
    });
  }

  async deleteAlias(name: string, alias: string): Promise<{ version?: string }> {
    const id = await this.models.idOf(name);
    const removed = await this.db
      .deleteFrom('registered_model_aliases')
      .where('registered_model_id', '=', id)
      .where('alias', '=', alias)
      .returning('version')
      .executeTakeFirst();
    if (removed) await this.models.touch(id);
    return removed ? { version: String(removed.version) } : {};
  }

  async byAlias(name: string, alias: string): Promise<ModelVersion> {
    const id = await this.models.idOf(name);
    const found = await this.db
      .selectFrom('registered_model_aliases')
      .select('version')
      .where('registered_model_id', '=', id)
      .where('alias', '=', alias)
      .executeTakeFirst();
    if (!found) throw MlflowError.invalid(`Registered model alias ${alias} not found.`);
    return this.get(name, String(found.version));
  }

  async registrationsOf(modelIds: string[]): Promise<Map<string, { name: string; version: string }[]>> {
    const out = new Map<string, { name: string; version: string }[]>();
    if (modelIds.length === 0) return out;
    const rows = await this.versions().where('model_versions.model_id', 'in', modelIds).orderBy('model_versions.version').execute();
    for (const r of rows) out.set(r.model_id!, [...(out.get(r.model_id!) ?? []), { name: r.name, version: String(r.version) }]);
    return out;
  }
}
