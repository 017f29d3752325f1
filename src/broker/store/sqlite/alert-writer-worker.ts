/**
 * The alert writer thread: its own connection to the store's file (WAL: the main thread's
 * connection keeps reading), brotli over the payloads the main thread serialized, and the
 * INSERTs, one transaction per request, in the order received. Every request gets one reply:
 * done (with the write's counts) or failed (with SQLite's reason); a failed write leaves the
 * thread ready for the next.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PAYLOAD_COLUMN, writeAlertRows, writeOtherRows, type AlertWriteRow } from './alert-store-writes.js';
import type { WriterReply, WriterRequest } from './alert-writer-messages.js';
import { compressSerializedPayload } from './payload-codec.js';
import { SqliteAlertStatements } from './sqlite-alert-statements.js';
import { openAlertDatabase } from './sqlite-connection.js';

export interface AlertWriterOptions {
  readonly path: string;
}

const port = parentPort!;
const db = openAlertDatabase((workerData as AlertWriterOptions).path);
const sql = new SqliteAlertStatements(db);

function compressed(rows: readonly AlertWriteRow[]): AlertWriteRow[] {
  for (const row of rows) row.values[PAYLOAD_COLUMN] = compressSerializedPayload(row.values[PAYLOAD_COLUMN] as Uint8Array);
  return rows as AlertWriteRow[];
}

function handle(request: WriterRequest): WriterReply {
  try {
    if (request.kind === 'alerts') return { id: request.id, ok: true, result: writeAlertRows(db, sql, compressed(request.rows)) };
    if (request.kind === 'close') {
      db.close();
      return { id: request.id, ok: true };
    }
    writeOtherRows(db, sql, request);
    return { id: request.id, ok: true };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { id: request.id, ok: false, message: err instanceof Error ? err.message : String(err), ...(typeof code === 'string' ? { code } : {}) };
  }
}

port.on('message', (request: WriterRequest) => {
  port.postMessage(handle(request));
  if (request.kind === 'close') port.close();
});
