// Webhook secrets at rest in a real SQLite file: never written in plain text, still signing
// deliveries, rows from before encryption kept working and then encrypted, and a wrong key
// named without the key or the stored token.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { fernetCipher, generateFernetKey, parseFernetKey } from '../../registry/webhooks/fernet-cipher.js';
import { trackingTables } from './migrations/0001-tracking.js';
import { registryTables } from './migrations/0002-registry.js';
import { webhookTables } from './migrations/0003-webhooks.js';
import { runKeyValueSearchIndexes } from './migrations/0004-run-key-value-search.js';
import { openDatabase } from './open-database.js';
import { WebhooksRepository } from './webhooks-repository.js';

const SECRET = 'whsec-at-rest-5e1d9c77b2';
const EVENTS = [{ entity: 'REGISTERED_MODEL' as const, action: 'CREATED' as const }];

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Every byte SQLite keeps for the database: the file, its write-ahead log and shared memory. */
function storedBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter(existsSync).map((p) => readFileSync(p)));
}

const newCipher = () => fernetCipher(parseFernetKey(generateFernetKey())!);

describe('WebhooksRepository secrets at rest', () => {
  it('stores a created or updated secret only encrypted, and gives it back for signing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aviary-webhook-secrets-'));
    const path = join(dir, 'aviary.db');
    const database = await openDatabase(`sqlite:///${path}`);
    try {
      const store = new WebhooksRepository(database.db, newCipher(), database.dialect);
      const hook = await store.create({ name: 'h', url: 'https://hooks.example.com/', events: EVENTS, secret: SECRET, status: 'ACTIVE' });
      expect((await store.target(hook.webhook_id)).target.secret).toBe(SECRET);
      expect((await store.activeTargets(EVENTS[0]))[0]!.secret).toBe(SECRET);
      expect(storedBytes(path).includes(SECRET)).toBe(false);

      await store.update(hook.webhook_id, { secret: `rotated-${SECRET}` });
      expect((await store.target(hook.webhook_id)).target.secret).toBe(`rotated-${SECRET}`);
      expect(storedBytes(path).includes(`rotated-${SECRET}`)).toBe(false);

      await store.update(hook.webhook_id, { secret: '' });
      expect((await store.target(hook.webhook_id)).target).not.toHaveProperty('secret');
    } finally {
      await database.close();
    }
    expect(storedBytes(path).includes(SECRET)).toBe(false);
  });

  it('keeps a plain-text secret stored before 0005 working, then encrypts it and leaves no copy in the file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aviary-webhook-secrets-'));
    const path = join(dir, 'aviary.db');
    await databaseBefore0005(path);
    expect(storedBytes(path).includes(SECRET)).toBe(true);

    const database = await openDatabase(`sqlite:///${path}`);
    try {
      const store = new WebhooksRepository(database.db, newCipher(), database.dialect);
      expect((await store.target('old')).target.secret).toBe(SECRET);
      expect(await store.sealSecrets()).toEqual({ stored: 1, sealed: 1, unreadable: [] });
      expect((await store.target('old')).target.secret).toBe(SECRET);
      expect(await store.sealSecrets()).toEqual({ stored: 1, sealed: 0, unreadable: [] });
    } finally {
      await database.close();
    }
    expect(storedBytes(path).includes(SECRET)).toBe(false);
  });

  it('with another key: the target says the secret cannot be decrypted, naming neither key nor token', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aviary-webhook-secrets-'));
    const path = join(dir, 'aviary.db');
    const database = await openDatabase(`sqlite:///${path}`);
    try {
      const writer = new WebhooksRepository(database.db, newCipher(), database.dialect);
      const hook = await writer.create({ name: 'h', url: 'https://hooks.example.com/', events: EVENTS, secret: SECRET, status: 'ACTIVE' });
      const token = String((await database.db.selectFrom('webhooks').select('secret').executeTakeFirstOrThrow()).secret);
      const otherKey = generateFernetKey();
      const reader = new WebhooksRepository(database.db, fernetCipher(parseFernetKey(otherKey)!), database.dialect);

      const { target } = await reader.target(hook.webhook_id);
      expect(target.secret).toBeUndefined();
      expect(target.secretProblem).toBe('its secret cannot be decrypted: the stored secret was encrypted with another key (or altered)');
      expect(await reader.sealSecrets()).toEqual({ stored: 1, sealed: 0, unreadable: [{ webhookId: hook.webhook_id, name: 'h' }] });
      for (const text of [target.secretProblem!, JSON.stringify(await reader.get(hook.webhook_id))]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(otherKey);
        expect(text).not.toContain(SECRET);
      }
      // A new secret, written under the current key, mends it.
      await reader.update(hook.webhook_id, { secret: SECRET });
      expect((await reader.target(hook.webhook_id)).target.secret).toBe(SECRET);
    } finally {
      await database.close();
    }
  });
});

/** A database as the releases before 0005 left it: one webhook whose secret is plain text. */
async function databaseBefore0005(path: string): Promise<void> {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Sqlite(path) }) });
  const migrations: Record<string, Migration> = {
    '0001-tracking': trackingTables,
    '0002-registry': registryTables,
    '0003-webhooks': webhookTables,
    '0004-run-key-value-search': runKeyValueSearchIndexes,
  };
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableName: 'aviary_migrations' });
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
  await db
    .insertInto('webhooks')
    .values({ webhook_id: 'old', name: 'old', url: 'https://hooks.example.com/', status: 'ACTIVE', secret: SECRET, creation_timestamp: 1, last_updated_timestamp: 1 })
    .execute();
  await db.insertInto('webhook_events').values({ webhook_id: 'old', entity: 'registered_model', action: 'created', position: 0 }).execute();
  await db.destroy();
}
