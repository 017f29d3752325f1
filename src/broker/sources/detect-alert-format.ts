/**
 * A file's format from its first bytes (Avro's "Obj\x01", Parquet's "PAR1", JSON's `{` or
 * `[`), else from its extension; undefined when neither tells.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { AlertFileFormat } from './alert-source.js';

const BY_EXTENSION: Record<string, AlertFileFormat> = {
  '.avro': 'avro',
  '.parquet': 'parquet',
  '.jsonl': 'json',
  '.ndjson': 'json',
  '.json': 'json',
};

export async function detectAlertFormat(file: string): Promise<AlertFileFormat | undefined> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const magic = head.subarray(0, 4).toString('latin1');
  if (magic === 'Obj\x01') return 'avro';
  if (magic === 'PAR1') return 'parquet';
  const first = head.toString('utf8').trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  return BY_EXTENSION[extname(file).toLowerCase()];
}
