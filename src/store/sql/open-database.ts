/**
 * Opens the SQL database named by a backend store URI and brings its schema up to date.
 * `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` and `sqlite:///:memory:` are
 * understood; PostgreSQL will be a second dialect here, behind the same Kysely<Database>.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { MlflowError } from '../../common/mlflow-error.js';
import { withStatementCache } from './cached-statements.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export interface SqlDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite';
  close(): Promise<void>;
}

export async function openDatabase(uri: string): Promise<SqlDatabase> {
  const sqlitePath = sqlitePathOf(uri);
  if (sqlitePath === undefined) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Unsupported backend store URI '${uri}': expected sqlite:///<path> (PostgreSQL is not supported yet)`,
    );
  }
  if (sqlitePath !== ':memory:') mkdirSync(dirname(sqlitePath), { recursive: true });
  const connection = new Sqlite(sqlitePath);
  // WAL lets readers run beside one writer; busy_timeout makes a second writing process wait its turn instead of failing.
  connection.pragma('journal_mode = WAL');
  connection.pragma('busy_timeout = 10000');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
  await migrate(db);
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

function sqlitePathOf(uri: string): string | undefined {
  if (!uri.startsWith('sqlite://')) return undefined;
  const rest = uri.slice('sqlite://'.length);
  // sqlite:///rel.db -> rel.db (relative); sqlite:////abs.db -> /abs.db, as SQLAlchemy reads them.
  const path = rest.startsWith('/') ? rest.slice(1) : rest;
  if (path === ':memory:' || path === '') return ':memory:';
  return resolve(path);
}
