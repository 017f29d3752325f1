/**
 * Opens the alert store a URI names: `sqlite:///relative.db`, `sqlite:////absolute.db` or
 * `sqlite:///:memory:`, read as for the tracking store's URI, or a PostgreSQL database
 * (`postgresql://user:password@host:port/db`, and the other forms MLflow accepts). A file or
 * PostgreSQL store writes on its own thread unless told otherwise: the main thread, the
 * broker's serial bottleneck, then spends less on a write (bench/broker/store-write.ts).
 */
import { isPostgresUri, redactUri } from '../../store/sql/database-uri.js';
import { sqlitePathOf } from '../../store/sql/open-database.js';
import type { AlertStore } from './alert-store.js';
import { PostgresAlertStore, type PostgresAlertStoreOptions } from './postgres/postgres-alert-store.js';
import { SqliteAlertStore, type SqliteAlertStoreOptions } from './sqlite-alert-store.js';

export async function openAlertStore(uri: string, options: SqliteAlertStoreOptions & PostgresAlertStoreOptions = { writerThread: true }): Promise<AlertStore> {
  const path = sqlitePathOf(uri);
  if (path !== undefined) return new SqliteAlertStore(path, options);
  if (isPostgresUri(uri)) return PostgresAlertStore.open(uri, options);
  throw new Error(`unsupported alert store URI '${redactUri(uri)}': expected sqlite:///<path> (for example sqlite:////data/alerts.db) or postgresql://<user>:<password>@<host>:<port>/<database>`);
}
