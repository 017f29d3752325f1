/**
 * What the main thread and the alert writer thread say to each other. A batch of alerts goes as
 * rows of plain values whose byte columns (serialized payloads, cutouts) are views into one
 * ArrayBuffer, transferred rather than copied. The payloads are serialized here, on the main
 * thread: a structured clone of the payload objects costs the main thread less (measured in
 * bench/broker/store-write.ts on 1000 real ZTF alerts: about 70-95 against 140 µs an alert), but
 * it turns a payload's Buffers into Uint8Arrays, so the thread would store other bytes than the
 * store's own connection does; serializing here keeps the stored rows the same either way.
 */
import type { WriteResult } from '../alert-store.js';
import { CUTOUT_BYTES_COLUMN, PAYLOAD_COLUMN, type AlertWriteRow, type OtherWrite } from './alert-store-writes.js';

export type WriterRequest =
  | { readonly id: number; readonly kind: 'alerts'; readonly rows: readonly AlertWriteRow[] }
  | ({ readonly id: number } & OtherWrite)
  | { readonly id: number; readonly kind: 'close' };

export type WriterReply =
  | { readonly id: number; readonly ok: true; readonly result?: WriteResult }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string };

/** What the thread opens: the SQLite file, or a PostgreSQL database (its URI). */
export type AlertWriterOptions = { readonly path: string } | { readonly postgresUri: string };

/** A store's writes as the thread runs them, one at a time. */
export interface StoreWriter {
  writeAlerts(rows: AlertWriteRow[]): WriteResult | Promise<WriteResult>;
  write(write: OtherWrite): void | Promise<void>;
  close(): void | Promise<void>;
}

/** Copies every payload and cutout of the rows into one ArrayBuffer, the rows then pointing into it. */
export function packAlertRows(rows: readonly AlertWriteRow[]): ArrayBuffer {
  const parts = rows.flatMap((row) => [row.values[PAYLOAD_COLUMN] as Uint8Array, ...row.cutouts.map((c) => c[CUTOUT_BYTES_COLUMN] as Uint8Array)]);
  const buffer = new ArrayBuffer(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  const place = (bytes: Uint8Array): Uint8Array => {
    const view = new Uint8Array(buffer, offset, bytes.byteLength);
    view.set(bytes);
    offset += bytes.byteLength;
    return view;
  };
  for (const row of rows) {
    row.values[PAYLOAD_COLUMN] = place(row.values[PAYLOAD_COLUMN] as Uint8Array);
    for (const cutout of row.cutouts) cutout[CUTOUT_BYTES_COLUMN] = place(cutout[CUTOUT_BYTES_COLUMN] as Uint8Array);
  }
  return buffer;
}
