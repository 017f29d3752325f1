/** Tracking tables: experiments, runs with their tags, params, metrics and inputs, logged models. */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { generatedId, keyValueIndexColumns } from './dialect-differences.js';

export const trackingTables: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('experiments')
      .addColumn('experiment_id', 'integer', generatedId(db))
      .addColumn('name', 'varchar(500)', (c) => c.notNull().unique())
      .addColumn('artifact_location', 'varchar(2000)', (c) => c.notNull())
      .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
      .addColumn('creation_time', 'bigint', (c) => c.notNull())
      .addColumn('last_update_time', 'bigint', (c) => c.notNull())
      .execute();
    await keyValueTable(db, 'experiment_tags', 'experiment_id', 'integer', 'experiments', 'text');

    await db.schema
      .createTable('runs')
      .addColumn('run_uuid', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(250)', (c) => c.notNull())
      .addColumn('experiment_id', 'integer', (c) => c.notNull().references('experiments.experiment_id'))
      .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
      .addColumn('status', 'varchar(20)', (c) => c.notNull())
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('end_time', 'bigint')
      .addColumn('deleted_time', 'bigint')
      .addColumn('lifecycle_stage', 'varchar(20)', (c) => c.notNull())
      .addColumn('artifact_uri', 'varchar(2000)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('runs_experiment_start')
      .on('runs')
      .columns(['experiment_id', 'lifecycle_stage', 'start_time'])
      .execute();
    await keyValueTable(db, 'run_tags', 'run_uuid', 'varchar(32)', 'runs');
    await keyValueTable(db, 'run_params', 'run_uuid', 'varchar(32)', 'runs');

    await db.schema
      .createTable('metrics')
      .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('is_nan', 'integer', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('model_id', 'varchar(36)')
      .addColumn('dataset_name', 'varchar(500)')
      .addColumn('dataset_digest', 'varchar(36)')
      .addPrimaryKeyConstraint('metrics_pk', ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'])
      .execute();
    await db.schema
      .createTable('latest_metrics')
      .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('is_nan', 'integer', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key'])
      .execute();
    await db.schema.createIndex('latest_metrics_key_value').on('latest_metrics').columns(['key', 'value']).execute();

    await db.schema
      .createTable('datasets')
      .addColumn('dataset_uuid', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('experiment_id', 'integer', (c) => c.notNull().references('experiments.experiment_id'))
      .addColumn('name', 'varchar(500)', (c) => c.notNull())
      .addColumn('digest', 'varchar(36)', (c) => c.notNull())
      .addColumn('source_type', 'varchar(36)', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('schema', 'text')
      .addColumn('profile', 'text')
      .addUniqueConstraint('datasets_experiment_name_digest', ['experiment_id', 'name', 'digest'])
      .execute();
    await db.schema
      .createTable('run_dataset_inputs')
      .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
      .addColumn('dataset_uuid', 'varchar(36)', (c) => c.notNull().references('datasets.dataset_uuid'))
      .addPrimaryKeyConstraint('run_dataset_inputs_pk', ['run_uuid', 'dataset_uuid'])
      .execute();
    await db.schema.createIndex('run_dataset_inputs_dataset').on('run_dataset_inputs').column('dataset_uuid').execute();
    await db.schema
      .createTable('run_dataset_input_tags')
      .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull())
      .addColumn('dataset_uuid', 'varchar(36)', (c) => c.notNull())
      .addColumn('key', 'varchar(255)', (c) => c.notNull())
      .addColumn('value', 'varchar(500)', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_dataset_input_tags_pk', ['run_uuid', 'dataset_uuid', 'key'])
      .addForeignKeyConstraint('run_dataset_input_tags_input', ['run_uuid', 'dataset_uuid'], 'run_dataset_inputs', [
        'run_uuid',
        'dataset_uuid',
      ], (c) => c.onDelete('cascade'))
      .execute();
    await db.schema
      .createTable('run_model_links')
      .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
      .addColumn('model_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('direction', 'varchar(8)', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_model_links_pk', ['run_uuid', 'model_id', 'direction'])
      .execute();

    await db.schema
      .createTable('logged_models')
      .addColumn('model_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('experiment_id', 'integer', (c) => c.notNull().references('experiments.experiment_id'))
      .addColumn('name', 'varchar(500)', (c) => c.notNull())
      .addColumn('artifact_location', 'varchar(2000)', (c) => c.notNull())
      .addColumn('creation_timestamp_ms', 'bigint', (c) => c.notNull())
      .addColumn('last_updated_timestamp_ms', 'bigint', (c) => c.notNull())
      .addColumn('status', 'varchar(40)', (c) => c.notNull())
      .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
      .addColumn('model_type', 'varchar(500)')
      .addColumn('source_run_id', 'varchar(32)')
      .addColumn('status_message', 'varchar(1000)')
      .execute();
    await db.schema
      .createIndex('logged_models_experiment')
      .on('logged_models')
      .columns(['experiment_id', 'creation_timestamp_ms'])
      .execute();
    await keyValueTable(db, 'logged_model_tags', 'model_id', 'varchar(64)', 'logged_models', 'text');
    await keyValueTable(db, 'logged_model_params', 'model_id', 'varchar(64)', 'logged_models', 'text');
    await db.schema
      .createTable('logged_model_metrics')
      .addColumn('model_id', 'varchar(64)', (c) => c.notNull().references('logged_models.model_id').onDelete('cascade'))
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('is_nan', 'integer', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('run_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('dataset_name', 'varchar(500)')
      .addColumn('dataset_digest', 'varchar(36)')
      .addPrimaryKeyConstraint('logged_model_metrics_pk', ['model_id', 'key', 'step', 'timestamp', 'run_id'])
      .execute();

    const now = Date.now();
    await db
      .insertInto('experiments')
      .values({
        experiment_id: 0,
        name: 'Default',
        artifact_location: 'mlflow-artifacts:/0',
        lifecycle_stage: 'active',
        creation_time: now,
        last_update_time: now,
      })
      .execute();
  },
};

/**
 * A (owner, key) -> value table with its primary key and a (key, value) index for search.
 * Values are as long as MLflow lets them be: 8000 for runs, unbounded text (20000 by
 * validation) for experiments, text for logged models. SQLite ignores the length; PostgreSQL
 * enforces it.
 */
async function keyValueTable(
  db: Kysely<any>,
  table: string,
  owner: string,
  ownerType: 'integer' | 'varchar(32)' | 'varchar(64)',
  ownerTable: string,
  valueType: 'varchar(8000)' | 'text' = 'varchar(8000)',
): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn(owner, ownerType, (c) => c.notNull().references(`${ownerTable}.${owner}`).onDelete('cascade'))
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', valueType, (c) => c.notNull())
    .addPrimaryKeyConstraint(`${table}_pk`, [owner, 'key'])
    .execute();
  await db.schema.createIndex(`${table}_key_value`).on(table).columns(keyValueIndexColumns(db, ['key', 'value'])).execute();
}
