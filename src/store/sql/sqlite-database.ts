/**
 * A SQLite database file (or `:memory:`) behind Kysely, its schema brought up to date. One
 * connection per file and process, shared by every opener: better-sqlite3 waits for locks
 * synchronously, so two connections of one process on one file would block the event loop on
 * each other. Handles are counted; the last close closes the connection.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely } from 'kysely';
import { withStatementCache } from './cached-statements.js';
import { migrateToLatest } from './migrate.js';
import type { SqlDatabase } from './open-database.js';
import type { Database } from './schema.js';
import { ImmediateSqliteDialect } from './sqlite-dialect.js';

const shared = new Map<string, { database: Promise<SqlDatabase>; handles: number }>();

export async function openSqliteDatabase(sqlitePath: string): Promise<SqlDatabase> {
  if (sqlitePath === ':memory:') return openSqlite(sqlitePath);
  let entry = shared.get(sqlitePath);
  if (!entry) {
    entry = { database: openSqlite(sqlitePath), handles: 0 };
    shared.set(sqlitePath, entry);
    entry.database.catch(() => shared.delete(sqlitePath));
  }
  entry.handles += 1;
  const database = await entry.database;
  const owner = entry;
  let closed = false;
  return {
    db: database.db,
    dialect: database.dialect,
    close: async () => {
      if (closed) return;
      closed = true;
      owner.handles -= 1;
      if (owner.handles === 0) {
        shared.delete(sqlitePath);
        await database.close();
      }
    },
  };
}

async function openSqlite(sqlitePath: string): Promise<SqlDatabase> {
  if (sqlitePath !== ':memory:') mkdirSync(dirname(sqlitePath), { recursive: true });
  const connection = new Sqlite(sqlitePath);
  // WAL lets readers run beside one writer; busy_timeout makes a second writing process wait its turn instead of failing.
  connection.pragma('journal_mode = WAL');
  connection.pragma('busy_timeout = 10000');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(connection) }) });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
