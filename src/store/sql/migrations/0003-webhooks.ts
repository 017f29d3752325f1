/**
 * Webhook tables, with MLflow's column sizes. A deleted webhook is removed outright (MLflow
 * keeps a soft-deleted row) so its secret does not outlive it.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

export const webhookTables: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('webhooks')
      .addColumn('webhook_id', 'varchar(256)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(256)', (c) => c.notNull())
      .addColumn('description', 'varchar(1000)')
      .addColumn('url', 'varchar(500)', (c) => c.notNull())
      .addColumn('status', 'varchar(20)', (c) => c.notNull())
      .addColumn('secret', 'text')
      .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhooks_created').on('webhooks').column('creation_timestamp').execute();
    await db.schema
      .createTable('webhook_events')
      .addColumn('webhook_id', 'varchar(256)', (c) => c.notNull().references('webhooks.webhook_id').onDelete('cascade'))
      .addColumn('entity', 'varchar(50)', (c) => c.notNull())
      .addColumn('action', 'varchar(50)', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_events_pk', ['webhook_id', 'entity', 'action'])
      .execute();
    await db.schema.createIndex('webhook_events_event').on('webhook_events').columns(['entity', 'action']).execute();
  },
};
