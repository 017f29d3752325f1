/**
 * Opens the SQL database named by a backend store URI and brings its schema up to date:
 * `sqlite:///relative/path.db`, `sqlite:////absolute/path.db`, `sqlite:///:memory:`, or a
 * PostgreSQL URI in any form MLflow accepts (database-uri.ts). Both are the same
 * Kysely<Database>; what differs between them lives in sqlite-*.ts and postgres-*.ts.
 */
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { MlflowError } from '../../common/mlflow-error.js';
import { isPostgresUri, redactUri } from './database-uri.js';
import { openPostgresDatabase } from './postgres-database.js';
import type { Database } from './schema.js';
import type { SqlDialectName } from './sql-dialect-name.js';
import { openSqliteDatabase } from './sqlite-database.js';

export interface SqlDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialectName;
  close(): Promise<void>;
}

export async function openDatabase(uri: string): Promise<SqlDatabase> {
  if (isPostgresUri(uri)) return openPostgresDatabase(uri);
  const sqlitePath = sqlitePathOf(uri);
  if (sqlitePath === undefined) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Unsupported backend store URI '${redactUri(uri)}': expected sqlite:///<path> or postgresql://<user>:<password>@<host>:<port>/<database>`,
    );
  }
  return openSqliteDatabase(sqlitePath);
}

export function sqlitePathOf(uri: string): string | undefined {
  if (!uri.startsWith('sqlite://')) return undefined;
  const rest = uri.slice('sqlite://'.length);
  // sqlite:///rel.db -> rel.db (relative); sqlite:////abs.db -> /abs.db, as SQLAlchemy reads them.
  const path = rest.startsWith('/') ? rest.slice(1) : rest;
  if (path === ':memory:' || path === '') return ':memory:';
  return resolve(path);
}
