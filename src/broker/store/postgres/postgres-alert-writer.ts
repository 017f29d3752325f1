/**
 * The PostgreSQL alert store's writes as its writer thread runs them: the rows the main thread
 * built (payloads serialized by V8, as for SQLite) turned into JSONB text here, then upserted
 * through the thread's own small pool. Only alerts come this way; dead letters and run
 * statuses, a few rows each, stay on the main thread's pool.
 */
import type { StoreWriter } from '../sqlite/alert-writer-messages.js';
import { openAlertDatabase } from './alert-database.js';
import { alertWritesOfRows, upsertAlerts } from './alert-upsert.js';

/** One write at a time: a connection for it, and one to spare. */
const WRITER_POOL_SIZE = 2;

export function postgresAlertWriter(uri: string): StoreWriter {
  // The main thread has opened (and migrated) the store already: this only connects.
  const opened = openAlertDatabase(uri, { migrate: false, poolSize: WRITER_POOL_SIZE });
  opened.catch(() => {}); // said by the first write that awaits it
  return {
    async writeAlerts(rows) {
      const database = await opened;
      const writes = alertWritesOfRows(rows);
      try {
        return await upsertAlerts(database.db, writes, writes[0]?.row.stored_at ?? new Date().toISOString());
      } catch (err) {
        throw database.explain(err);
      }
    },
    write(write) {
      throw new Error(`the PostgreSQL alert writer thread writes alerts only, not ${write.kind}`);
    },
    async close() {
      await (await opened.catch(() => undefined))?.close();
    },
  };
}
