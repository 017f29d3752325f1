/**
 * Writes an Avro object container file (avro-container-bytes.ts), records gathered into blocks
 * of at most 100 records or 8 MB. The sync marker is given, so the same records give the same
 * bytes.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { containerBlock, containerHeader, type AvroWriteCodec } from '../sinks/avro/avro-container-bytes.js';

export { AVRO_WRITE_CODECS, type AvroWriteCodec } from '../sinks/avro/avro-container-bytes.js';

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
    const header = containerHeader(schemaText, codec, sync);
    const file = await open(path, 'wx');
    const writer = new AvroContainerWriter(file, codec, sync);
    await writer.write(header);
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
    await this.write(containerBlock(this.pending, this.codec, this.sync));
    this.pending = [];
    this.pendingBytes = 0;
  }

  private async write(bytes: Buffer): Promise<void> {
    await this.file.write(bytes);
    this.written += bytes.length;
  }
}
