/**
 * Users, their grants on experiments and registered models, and their API tokens, for
 * `aviary server --auth`. Passwords and tokens are stored only as hashes.
 */
import type { Kysely, Migration } from 'kysely';
import { generatedId } from './dialect-differences.js';

export const authTables: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('auth_users')
      .addColumn('id', 'integer', generatedId(db))
      .addColumn('username', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
      .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('auth_grants')
      .addColumn('user_id', 'integer', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
      .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('resource_id', 'varchar(256)', (c) => c.notNull())
      .addColumn('permission', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('auth_grants_pk', ['user_id', 'resource_type', 'resource_id'])
      .execute();
    await db.schema.createIndex('auth_grants_resource').on('auth_grants').columns(['resource_type', 'resource_id']).execute();
    await db.schema
      .createTable('auth_tokens')
      .addColumn('token_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
      .addColumn('name', 'varchar(256)', (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .execute();
    await db.schema.createIndex('auth_tokens_user').on('auth_tokens').column('user_id').execute();
  },
};
