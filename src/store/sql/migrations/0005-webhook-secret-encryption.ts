/**
 * Webhook secrets are encrypted at rest from this release on. Rows stored before hold their
 * secret in plain text; this flag tells the two apart without guessing from the value (a
 * secret may itself look like a token), and the store encrypts the flagged rows when it opens
 * with a key. The migration itself cannot encrypt: the key is configuration, not schema.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

export const webhookSecretEncryption: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('webhooks')
      .addColumn('secret_encrypted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
