/**
 * Opens the alert store a URI names: `sqlite:///relative.db`, `sqlite:////absolute.db` or
 * `sqlite:///:memory:`, read as for the tracking store's URI.
 */
import { sqlitePathOf } from '../../store/sql/open-database.js';
import type { AlertStore } from './alert-store.js';
import { SqliteAlertStore } from './sqlite-alert-store.js';

export async function openAlertStore(uri: string): Promise<AlertStore> {
  const path = sqlitePathOf(uri);
  if (path !== undefined) return new SqliteAlertStore(path);
  if (/^postgres(ql)?:\/\//.test(uri)) throw new Error(`alert store '${uri}': PostgreSQL is not supported yet; use sqlite:///<path>/alerts.db`);
  throw new Error(`unsupported alert store URI '${uri}': expected sqlite:///<path> (for example sqlite:////data/alerts.db)`);
}
