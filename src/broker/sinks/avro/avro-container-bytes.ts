/**
 * The bytes of an Avro object container file, built in memory: the header (magic, avro.schema
 * and avro.codec metadata, a 16-byte sync marker), and blocks of already-encoded records, each
 * followed by the sync marker. Codecs: null (what ZTF's own alert files use) and deflate (raw
 * DEFLATE). Used for files (the simulator) and for Kafka messages of one container each (ZTF's
 * stream, the Kafka sink's `format: container`).
 */
import { deflateRawSync } from 'node:zlib';

export type AvroWriteCodec = 'null' | 'deflate';
export const AVRO_WRITE_CODECS: readonly AvroWriteCodec[] = ['null', 'deflate'];

const MAGIC = Buffer.from('Obj\x01', 'latin1');

export function containerHeader(schemaText: string, codec: AvroWriteCodec, sync: Buffer): Buffer {
  if (sync.length !== 16) throw new Error('the sync marker must be 16 bytes');
  const metadata = [
    ['avro.schema', Buffer.from(schemaText, 'utf8')],
    ['avro.codec', Buffer.from(codec, 'utf8')],
  ] as const;
  const header = [MAGIC, zigzagLong(metadata.length)];
  for (const [key, value] of metadata) header.push(zigzagLong(key.length), Buffer.from(key, 'utf8'), zigzagLong(value.length), value);
  header.push(zigzagLong(0), sync);
  return Buffer.concat(header);
}

/** One block of records (each already Avro-encoded), with its trailing sync marker. */
export function containerBlock(records: readonly Buffer[], codec: AvroWriteCodec, sync: Buffer): Buffer {
  const raw = records.length === 1 ? records[0]! : Buffer.concat(records);
  const data = codec === 'deflate' ? deflateRawSync(raw) : raw;
  return Buffer.concat([zigzagLong(records.length), zigzagLong(data.length), data, sync]);
}

/** Avro's long encoding: zigzag, then a base-128 varint. */
export function zigzagLong(n: number): Buffer {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const bytes: number[] = [];
  while (z >= 0x80) {
    bytes.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  bytes.push(z);
  return Buffer.from(bytes);
}
