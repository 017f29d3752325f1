/**
 * Opening the alert store's PostgreSQL database: a pool as the tracking store's (postgres-pool.ts:
 * sslmode as libpq reads it, connect_timeout) behind Kysely's PostgreSQL dialect, its schema
 * brought up to date. Its type parsers keep 64-bit integers exact (int8 as BigInt) and hand
 * JSONB over as text, read by jsonb-text.ts (pg's JSON.parse would round ids). Failures name
 * the store by its URI with the password redacted, and say what to check.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { postgresConnectionString, redactUri } from '../../../store/sql/database-uri.js';
import { postgresPool } from '../../../store/sql/postgres-pool.js';
import { migrateAlertStore } from './alert-store-migrations.js';
import type { AlertTables } from './alert-tables.js';

const INT8 = 20;
const JSON_OID = 114;
const JSONB = 3802;
/** A broker writes one batch at a time; a server's pages read a few at once. */
const POOL_SIZE = 4;

const asText = (text: string) => text;
const PARSERS = { [INT8]: (text: string) => BigInt(text), [JSON_OID]: asText, [JSONB]: asText };

export interface AlertDatabase {
  readonly db: Kysely<AlertTables>;
  /** The URI with its password redacted: for messages. */
  readonly where: string;
  /** The error as one line naming the store, the password scrubbed, with what to check. */
  explain(err: unknown): Error;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Bring the schema up to date (default); a second handle in a process that did need not. */
  readonly migrate?: boolean;
  readonly poolSize?: number;
}

export async function openAlertDatabase(uri: string, options: OpenOptions = {}): Promise<AlertDatabase> {
  const where = redactUri(uri);
  const pool = postgresPool(uri, process.env, { max: options.poolSize ?? POOL_SIZE, parsers: PARSERS });
  const db = new Kysely<AlertTables>({ dialect: new PostgresDialect({ pool }) });
  const explain = (err: unknown) => explainError(err, where, passwordOf(uri));
  try {
    // Reached first, so that a refused connection is told as such, not as a failed migration.
    await sql`SELECT 1`.execute(db);
    if (options.migrate !== false) await migrateAlertStore(db as Kysely<unknown>, where);
  } catch (err) {
    await db.destroy();
    throw explain(err);
  }
  return { db, where, explain, close: () => db.destroy() };
}

function passwordOf(uri: string): string | undefined {
  try {
    const password = new URL(postgresConnectionString(uri)).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'is PostgreSQL running there, and the host and port right?',
  ENOTFOUND: 'check the host name',
  ETIMEDOUT: 'is the host reachable from here?',
  EHOSTUNREACH: 'is the host reachable from here?',
  '28P01': 'check the user and password',
  '28000': "the server refuses this user from this host (see its pg_hba.conf)",
  '3D000': 'create the database first (CREATE DATABASE), or name one that exists',
  '42501': 'the user lacks a privilege the alert store needs (it creates its tables at the first start)',
};

function explainError(thrown: unknown, where: string, password: string | undefined): Error {
  // Node reports a failed connection to a name with several addresses (localhost) as an AggregateError with no message.
  const err = thrown instanceof AggregateError && thrown.message === '' && thrown.errors.length > 0 ? thrown.errors[0] : thrown;
  const code = (err as { code?: unknown }).code;
  let message = err instanceof Error ? err.message : String(err);
  if (password) message = message.split(password).join('***');
  if (message.includes(where)) return Object.assign(new Error(message), typeof code === 'string' ? { code } : {});
  const hint = typeof code === 'string' ? HINTS[code] : /timeout exceeded when trying to connect/.test(message) ? 'is the host reachable from here? (?connect_timeout=<seconds> waits longer)' : undefined;
  return Object.assign(new Error(`alert store ${where}: ${message}${hint ? `: ${hint}` : ''}`), typeof code === 'string' ? { code } : {});
}
