/**
 * The alert writer thread: a store's writes off the main thread, one request at a time in the
 * order received. Every request gets one reply: done (with the write's counts) or failed (with
 * the database's reason, never a password); a failed write leaves the thread ready for the
 * next. SQLite: its own connection to the store's file (WAL: the main thread's connection keeps
 * reading), brotli over the payloads the main thread serialized, and the INSERTs, one
 * transaction per request. PostgreSQL: its own pool; the serialized payloads become JSONB here
 * (postgres/postgres-alert-writer.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { postgresAlertWriter } from '../postgres/postgres-alert-writer.js';
import { PAYLOAD_COLUMN, writeAlertRows, writeOtherRows, type AlertWriteRow } from './alert-store-writes.js';
import type { AlertWriterOptions, StoreWriter, WriterReply, WriterRequest } from './alert-writer-messages.js';
import { compressSerializedPayload } from './payload-codec.js';
import { SqliteAlertStatements } from './sqlite-alert-statements.js';
import { openAlertDatabase } from './sqlite-connection.js';

function sqliteAlertWriter(path: string): StoreWriter {
  const db = openAlertDatabase(path);
  const sql = new SqliteAlertStatements(db);
  return {
    writeAlerts: (rows) => {
      for (const row of rows) row.values[PAYLOAD_COLUMN] = compressSerializedPayload(row.values[PAYLOAD_COLUMN] as Uint8Array);
      return writeAlertRows(db, sql, rows);
    },
    write: (write) => writeOtherRows(db, sql, write),
    close: () => {
      db.close();
    },
  };
}

const port = parentPort!;
const options = workerData as AlertWriterOptions;
const writer = 'postgresUri' in options ? postgresAlertWriter(options.postgresUri) : sqliteAlertWriter(options.path);

async function handle(request: WriterRequest): Promise<WriterReply> {
  try {
    if (request.kind === 'alerts') return { id: request.id, ok: true, result: await writer.writeAlerts(request.rows as AlertWriteRow[]) };
    if (request.kind === 'close') {
      await writer.close();
      return { id: request.id, ok: true };
    }
    await writer.write(request);
    return { id: request.id, ok: true };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { id: request.id, ok: false, message: err instanceof Error ? err.message : String(err), ...(typeof code === 'string' ? { code } : {}) };
  }
}

// One at a time: a PostgreSQL write awaits its database, and the next must not overtake it.
let queue = Promise.resolve();
port.on('message', (request: WriterRequest) => {
  queue = queue.then(async () => {
    port.postMessage(await handle(request));
    if (request.kind === 'close') port.close();
  });
});
