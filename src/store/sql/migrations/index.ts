/**
 * The versioned migrations, in order. A migration, once released, never changes: a schema
 * change is a new file. Names sort in the order they run. (PostgreSQL's forms of ids, value
 * lengths and indexes went into the first ones when PostgreSQL came, see dialect-differences.ts:
 * on SQLite they create what they always did, but for declared lengths SQLite ignores.)
 */
import type { Migration, MigrationProvider } from 'kysely';
import { trackingTables } from './0001-tracking.js';
import { registryTables } from './0002-registry.js';
import { webhookTables } from './0003-webhooks.js';
import { runKeyValueSearchIndexes } from './0004-run-key-value-search.js';
import { webhookSecretEncryption } from './0005-webhook-secret-encryption.js';
import { authTables } from './0006-auth.js';

const migrations: Record<string, Migration> = {
  '0001-tracking': trackingTables,
  '0002-registry': registryTables,
  '0003-webhooks': webhookTables,
  '0004-run-key-value-search': runKeyValueSearchIndexes,
  '0005-webhook-secret-encryption': webhookSecretEncryption,
  '0006-auth': authTables,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
