/**
 * Opens the alert store a URI names: `sqlite:///relative.db`, `sqlite:////absolute.db` or
 * `sqlite:///:memory:`, read as for the tracking store's URI. A file store writes on its own
 * thread unless told otherwise: the main thread, the broker's serial bottleneck, then spends
 * about 0.17 ms an alert on a write instead of 0.31 ms (measured in bench/broker/store-write.ts).
 */
import { sqlitePathOf } from '../../store/sql/open-database.js';
import type { AlertStore } from './alert-store.js';
import { SqliteAlertStore, type SqliteAlertStoreOptions } from './sqlite-alert-store.js';

export async function openAlertStore(uri: string, options: SqliteAlertStoreOptions = { writerThread: true }): Promise<AlertStore> {
  const path = sqlitePathOf(uri);
  if (path !== undefined) return new SqliteAlertStore(path, options);
  if (/^postgres(ql)?:\/\//.test(uri)) throw new Error(`alert store '${uri}': PostgreSQL is not supported yet; use sqlite:///<path>/alerts.db`);
  throw new Error(`unsupported alert store URI '${uri}': expected sqlite:///<path> (for example sqlite:////data/alerts.db)`);
}
