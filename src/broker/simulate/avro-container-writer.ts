/**
 * Writes an Avro object container file: the header (magic, avro.schema and avro.codec
 * metadata, a 16-byte sync marker), then blocks of already-encoded records, each followed by
 * the sync marker. Codecs: null (what ZTF's own alert files use) and deflate (raw DEFLATE).
 * The sync marker is given, so the same records give the same bytes.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';

export type AvroWriteCodec = 'null' | 'deflate';
export const AVRO_WRITE_CODECS: readonly AvroWriteCodec[] = ['null', 'deflate'];

const MAX_BLOCK_RECORDS = 100;
const MAX_BLOCK_BYTES = 8 * 1024 * 1024;

export class AvroContainerWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = 0;

  private constructor(
    private readonly file: FileHandle,
    private readonly codec: AvroWriteCodec,
    private readonly sync: Buffer,
  ) {}

  static async create(path: string, schemaText: string, codec: AvroWriteCodec, sync: Buffer): Promise<AvroContainerWriter> {
    if (sync.length !== 16) throw new Error('the sync marker must be 16 bytes');
    const file = await open(path, 'wx');
    const writer = new AvroContainerWriter(file, codec, sync);
    const metadata = [
      ['avro.schema', Buffer.from(schemaText, 'utf8')],
      ['avro.codec', Buffer.from(codec, 'utf8')],
    ] as const;
    const header = [Buffer.from('Obj\x01', 'latin1'), zigzagLong(metadata.length)];
    for (const [key, value] of metadata) header.push(zigzagLong(key.length), Buffer.from(key, 'utf8'), zigzagLong(value.length), value);
    header.push(zigzagLong(0), sync);
    await writer.write(Buffer.concat(header));
    return writer;
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.written;
  }

  async append(encodedRecord: Buffer): Promise<void> {
    this.pending.push(encodedRecord);
    this.pendingBytes += encodedRecord.length;
    if (this.pending.length >= MAX_BLOCK_RECORDS || this.pendingBytes >= MAX_BLOCK_BYTES) await this.flush();
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.file.close();
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const raw = Buffer.concat(this.pending);
    const data = this.codec === 'deflate' ? deflateRawSync(raw) : raw;
    await this.write(Buffer.concat([zigzagLong(this.pending.length), zigzagLong(data.length), data, this.sync]));
    this.pending = [];
    this.pendingBytes = 0;
  }

  private async write(bytes: Buffer): Promise<void> {
    await this.file.write(bytes);
    this.written += bytes.length;
  }
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
