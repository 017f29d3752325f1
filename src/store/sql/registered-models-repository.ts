/** Registered models and their tags in the SQL store. */
import type { Kysely, Selectable } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import type { KeyValue, Page, RegisteredModel } from '../../registry/entities.js';
import type { RegistrySearch } from '../../registry/registry-store.js';
import { decodePageToken, encodePageToken } from '../../tracking/search/page-token.js';
import { byKey } from './key-order.js';
import { loadRegisteredModels, registeredModelOf } from './registry-loader.js';
import type { Database, RegisteredModelsTable } from './schema.js';
import { applyRegisteredModelSearch } from './search/index.js';
import type { SqlDialectName } from './sql-dialect-name.js';
import { writeTransaction } from './write-transaction.js';

const MAX_RESULTS = 1000;

export class RegisteredModelsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialectName,
  ) {}

  async row(name: string): Promise<Selectable<RegisteredModelsTable>> {
    const row = await this.db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
    return row;
  }

  async idOf(name: string): Promise<number> {
    return (await this.row(name)).registered_model_id;
  }

  async touch(id: number): Promise<void> {
    await this.db.updateTable('registered_models').set({ last_updated_timestamp: Date.now() }).where('registered_model_id', '=', id).execute();
  }

  async create(name: string, input: { tags: KeyValue[]; description?: string; userId?: string }): Promise<RegisteredModel> {
    const now = Date.now();
    const row = { name, creation_timestamp: now, last_updated_timestamp: now, description: input.description ?? null, user_id: input.userId ?? null };
    const tags = [...new Map(input.tags.map((t) => [t.key, t.value]))].map(([key, value]) => ({ key, value }));
    await writeTransaction(this.db, async (tx) => {
      const clash = await tx.selectFrom('registered_models').select('registered_model_id').where('name', '=', name).executeTakeFirst();
      if (clash) throw MlflowError.alreadyExists(`Registered Model (name=${name}) already exists.`);
      const { registered_model_id } = await tx
        .insertInto('registered_models')
        .values({ ...row, last_version: 0 })
        .returning('registered_model_id')
        .executeTakeFirstOrThrow();
      if (tags.length > 0) {
        await tx.insertInto('registered_model_tags').values(tags.map((t) => ({ registered_model_id, ...t }))).execute();
      }
    });
    // What was just written, not read back (a round trip each on PostgreSQL): a new model has
    // no versions or aliases, and its tags come in key order as a read by primary key gives them.
    return registeredModelOf(row, [], byKey(tags), []);
  }

  async get(name: string): Promise<RegisteredModel> {
    return (await loadRegisteredModels(this.db, [await this.row(name)]))[0]!;
  }

  async rename(name: string, newName: string): Promise<RegisteredModel> {
    const id = await this.idOf(name);
    // In one transaction, so a concurrent rename to the same name is retried and refused here.
    await writeTransaction(this.db, async (tx) => {
      if (newName !== name) {
        const clash = await tx.selectFrom('registered_models').select('registered_model_id').where('name', '=', newName).executeTakeFirst();
        if (clash) throw MlflowError.alreadyExists(`Registered Model (name=${newName}) already exists.`);
      }
      await tx
        .updateTable('registered_models')
        .set({ name: newName, last_updated_timestamp: Date.now() })
        .where('registered_model_id', '=', id)
        .execute();
    });
    return this.get(newName);
  }

  async update(name: string, description: string | undefined): Promise<RegisteredModel> {
    const id = await this.idOf(name);
    await this.db
      .updateTable('registered_models')
      .set({ description: description ?? null, last_updated_timestamp: Date.now() })
      .where('registered_model_id', '=', id)
      .execute();
    return this.get(name);
  }

  async delete(name: string): Promise<void> {
    const id = await this.idOf(name);
    // Children first: aliases and version tags hang off versions, versions off the model.
    await writeTransaction(this.db, async (tx) => {
      await tx.deleteFrom('registered_model_aliases').where('registered_model_id', '=', id).execute();
      await tx.deleteFrom('model_version_tags').where('registered_model_id', '=', id).execute();
      await tx.deleteFrom('model_versions').where('registered_model_id', '=', id).execute();
      await tx.deleteFrom('registered_model_tags').where('registered_model_id', '=', id).execute();
      await tx.deleteFrom('registered_models').where('registered_model_id', '=', id).execute();
    });
  }

  async search(query: RegistrySearch): Promise<Page<RegisteredModel>> {
    if (query.maxResults < 1 || query.maxResults > MAX_RESULTS) {
      throw MlflowError.invalid(
        `Invalid value for request parameter max_results. It must be at most ${MAX_RESULTS}, but got value ${query.maxResults}`,
      );
    }
    const offset = decodePageToken(query.pageToken);
    const qb = applyRegisteredModelSearch(this.db.selectFrom('registered_models').selectAll('registered_models'), {
      filter: query.filter,
      orderBy: query.orderBy,
      dialect: this.dialect,
    });
    const rows = await qb.limit(query.maxResults + 1).offset(offset).execute();
    const more = rows.length > query.maxResults;
    const items = await loadRegisteredModels(this.db, more ? rows.slice(0, query.maxResults) : rows);
    return { items, nextPageToken: more ? encodePageToken(offset + query.maxResults) : undefined };
  }

  async setTag(name: string, tag: KeyValue): Promise<void> {
    const id = await this.idOf(name);
    await this.db
      .insertInto('registered_model_tags')
      .values({ registered_model_id: id, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['registered_model_id', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
    await this.touch(id);
  }

  /** Returns whether a tag was there; deleting an absent tag is no error, as in MLflow. */
  async deleteTag(name: string, key: string): Promise<boolean> {
    const id = await this.idOf(name);
    const result = await this.db.deleteFrom('registered_model_tags').where('registered_model_id', '=', id).where('key', '=', key).executeTakeFirst();
    if (result.numDeletedRows === 0n) return false;
    await this.touch(id);
    return true;
  }
}
