/**
 * A PostgreSQL database behind Kysely, its schema brought up to date. Several processes may
 * open one new database at once (a server and brokers of one deployment starting together):
 * the migrations run under a session-level advisory lock, so one process creates the schema
 * while the others wait, then find it done. A database that cannot be opened is named
 * (password hidden) with what went wrong and what to check.
 */
import { Kysely, sql } from 'kysely';
import { postgresConnectionString, redactUri } from './database-uri.js';
import { migrateToLatest } from './migrate.js';
import type { SqlDatabase } from './open-database.js';
import { PostgresStoreDialect } from './postgres-dialect.js';
import { SqlStateError, sqlStateOf } from './postgres-errors.js';
import { postgresPool } from './postgres-pool.js';
import type { Database } from './schema.js';

/** Advisory locks are per database: this one is only ever taken around the tracking store's migrations. */
const MIGRATION_LOCK = 'aviary tracking store migrations';

export async function openPostgresDatabase(uri: string): Promise<SqlDatabase> {
  const db = new Kysely<Database>({ dialect: new PostgresStoreDialect({ pool: postgresPool(uri) }) });
  let connected = false;
  try {
    await db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(hashtext(${MIGRATION_LOCK}))`.execute(connection);
      connected = true;
      try {
        await migrateToLatest(connection);
      } finally {
        await sql`select pg_advisory_unlock(hashtext(${MIGRATION_LOCK}))`.execute(connection);
      }
    });
  } catch (err) {
    await db.destroy();
    throw connected ? err : cannotConnect(uri, err);
  }
  let closed = false;
  return {
    db,
    dialect: 'postgres',
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

const HINTS: Record<string, string> = {
  '28P01': 'check the user name and password in the URI',
  '28000': 'the server refused this user from this host (pg_hba.conf)',
  '3D000': 'create the database first (createdb <name>) or name an existing one',
  ECONNREFUSED: 'is PostgreSQL running and listening on that host and port?',
  ENOTFOUND: 'check the host name',
  EAI_AGAIN: 'check the host name',
};

function cannotConnect(uri: string, err: unknown): Error {
  const cause = err instanceof SqlStateError ? err.cause : err;
  const code = sqlStateOf(err) ?? (cause as { code?: string } | null)?.code;
  const message = cause instanceof Error && cause.message ? cause.message : (code ?? String(cause));
  const hint = code === undefined ? undefined : HINTS[code];
  const reason = hidePassword(`${message}${hint ? `: ${hint}` : ''}`, uri);
  return new Error(`cannot open the PostgreSQL database ${redactUri(uri)}: ${reason}`);
}

/** The password, should a message ever quote it, replaced as redactUri replaces it. */
function hidePassword(message: string, uri: string): string {
  const password = decodeURIComponent(new URL(postgresConnectionString(uri)).password);
  return password ? message.split(password).join('***') : message;
}
