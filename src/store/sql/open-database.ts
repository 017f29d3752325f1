/**
 * Opens the SQL database named by a backend store URI and brings its schema up to date.
 * `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` and `sqlite:///:memory:` are
 * understood; PostgreSQL will be a second dialect here, behind the same Kysely<Database>.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely } from 'kysely';
import { Migrator } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import { withStatementCache } from './cached-statements.js';
import { ImmediateSqliteDialect } from './sqlite-dialect.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export interface SqlDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite';
  close(): Promise<void>;
}

/**
 * One connection per database file and process, shared by every opener: better-sqlite3 waits
 * for locks synchronously, so two connections of one process on one file would block the
 * event loop on each other. Handles are counted; the last close closes the connection.
 */
const shared = new Map<string, { database: Promise<SqlDatabase>; handles: number }>();

export async function openDatabase(uri: string): Promise<SqlDatabase> {
  const sqlitePath = sqlitePathOf(uri);
  if (sqlitePath === undefined) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Unsupported backend store URI '${uri}': expected sqlite:///<path> (PostgreSQL is not supported yet)`,
    );
  }
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
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableName: 'aviary_migrations' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${String(error)}`);
  }
}

export function sqlitePathOf(uri: string): string | undefined {
  if (!uri.startsWith('sqlite://')) return undefined;
  const rest = uri.slice('sqlite://'.length);
  // sqlite:///rel.db -> rel.db (relative); sqlite:////abs.db -> /abs.db, as SQLAlchemy reads them.
  const path = rest.startsWith('/') ? rest.slice(1) : rest;
  if (path === ':memory:' || path === '') return ':memory:';
  return resolve(path);
}
