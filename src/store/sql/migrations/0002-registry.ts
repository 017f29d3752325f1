/**
 * Model registry tables. Registered models get a surrogate id so a rename is one UPDATE;
 * `last_version` keeps version numbers growing after deletions, as MLflow never reuses them.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { generatedId } from './dialect-differences.js';

export const registryTables: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('registered_models')
      .addColumn('registered_model_id', 'integer', generatedId(db))
      .addColumn('name', 'varchar(256)', (c) => c.notNull().unique())
      .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('description', 'varchar(5000)')
      .addColumn('user_id', 'varchar(256)')
      .addColumn('last_version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('registered_models_updated').on('registered_models').column('last_updated_timestamp').execute();
    await db.schema
      .createTable('registered_model_tags')
      .addColumn('registered_model_id', 'integer', (c) => c.notNull().references('registered_models.registered_model_id').onDelete('cascade'))
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('registered_model_tags_pk', ['registered_model_id', 'key'])
      .execute();
    await db.schema
      .createTable('model_versions')
      .addColumn('registered_model_id', 'integer', (c) => c.notNull().references('registered_models.registered_model_id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'varchar(256)')
      .addColumn('current_stage', 'varchar(20)', (c) => c.notNull())
      .addColumn('description', 'varchar(5000)')
      .addColumn('source', 'varchar(2000)', (c) => c.notNull())
      .addColumn('storage_location', 'varchar(2000)', (c) => c.notNull())
      .addColumn('run_id', 'varchar(32)')
      .addColumn('run_link', 'varchar(500)')
      .addColumn('model_id', 'varchar(64)')
      .addColumn('status', 'varchar(20)', (c) => c.notNull())
      .addColumn('status_message', 'varchar(500)')
      .addPrimaryKeyConstraint('model_versions_pk', ['registered_model_id', 'version'])
      .execute();
    await db.schema.createIndex('model_versions_run').on('model_versions').column('run_id').execute();
    await db.schema.createIndex('model_versions_model').on('model_versions').column('model_id').execute();
    await db.schema
      .createTable('model_version_tags')
      .addColumn('registered_model_id', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_version_tags_pk', ['registered_model_id', 'version', 'key'])
      .addForeignKeyConstraint('model_version_tags_version', ['registered_model_id', 'version'], 'model_versions', [
        'registered_model_id',
        'version',
      ], (c) => c.onDelete('cascade'))
      .execute();
    await db.schema
      .createTable('registered_model_aliases')
      .addColumn('registered_model_id', 'integer', (c) => c.notNull())
      .addColumn('alias', 'varchar(256)', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('registered_model_aliases_pk', ['registered_model_id', 'alias'])
      .addForeignKeyConstraint('registered_model_aliases_version', ['registered_model_id', 'version'], 'model_versions', [
        'registered_model_id',
        'version',
      ], (c) => c.onDelete('cascade'))
      .execute();
  },
};
