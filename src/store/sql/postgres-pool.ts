/**
 * The node-postgres pool behind a PostgreSQL store, from a URI in any form MLflow accepts.
 *
 * - Size: MLflow's variables, read as SQLAlchemy reads them: at most
 *   MLFLOW_SQLALCHEMYSTORE_POOL_SIZE (default 5) + MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW
 *   (default 10) connections per process.
 * - `sslmode` means what it means to libpq (and psycopg2): `require` encrypts without checking
 *   the certificate, `verify-full` checks it; node-postgres alone would read `require` as
 *   `verify-full`.
 * - `connect_timeout` (seconds) bounds each connection attempt; 10 s unless given, so an
 *   unreachable server fails with a message instead of hanging.
 * - BIGINT (int8) columns come back as numbers: they hold epoch milliseconds, steps and counts,
 *   which the store reads as numbers, as SQLite hands them. A pool's own parsers, so nothing
 *   else in the process is affected; another store gives its own (the alert store keeps
 *   64-bit ids as BigInt) and its own size.
 */
import pg from 'pg';
import { postgresConnectionString } from './database-uri.js';

const INT8_OID = 20;
const DEFAULT_CONNECT_TIMEOUT_S = 10;
const SQLALCHEMY_POOL_SIZE = 5;
const SQLALCHEMY_MAX_OVERFLOW = 10;

export interface PoolOptions {
  /** Connections at most, instead of MLflow's variables. */
  readonly max?: number;
  /** Parsers of a column type's text by type oid, before the pool's own. */
  readonly parsers?: Readonly<Record<number, (text: string) => unknown>>;
}

export function postgresPool(uri: string, env: NodeJS.ProcessEnv = process.env, options: PoolOptions = {}): pg.Pool {
  const url = new URL(postgresConnectionString(uri));
  const timeout = url.searchParams.get('connect_timeout');
  url.searchParams.delete('connect_timeout');
  if (url.searchParams.has('sslmode')) url.searchParams.set('uselibpqcompat', 'true');
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: options.max ?? poolSize(env),
    connectionTimeoutMillis: 1000 * (timeout === null ? DEFAULT_CONNECT_TIMEOUT_S : Number(timeout)),
    fallback_application_name: 'aviary',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        options.parsers?.[oid] ?? (oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server closed (a restart, an administrator) is dropped by the pool;
  // without a listener the event would end the process. The next query opens a new connection
  // and reports any lasting problem itself.
  pool.on('error', () => {});
  return pool;
}

export function poolSize(env: NodeJS.ProcessEnv): number {
  const size = wholeNumber(env, 'MLFLOW_SQLALCHEMYSTORE_POOL_SIZE', SQLALCHEMY_POOL_SIZE);
  return Math.max(1, size + wholeNumber(env, 'MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW', SQLALCHEMY_MAX_OVERFLOW));
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number of connections, got '${value}'`);
  return Number(value);
}
