/**
 * The framing of an Avro object container file, read incrementally: the header (magic,
 * metadata, sync marker), then one block at a time (object count, byte size, the possibly
 * compressed objects, the sync marker again), from a file or a buffer (a Kafka message). Only
 * the current block is in memory. Framing
 * problems (truncation, a wrong sync marker, an impossible size) throw an AvroFramingError
 * carrying the byte offset and block index where they were found.
 */
import { TruncatedFileError, type ByteReader } from '../byte-reader.js';
import { avroCodec } from './avro-codecs.js';

export const AVRO_MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1

/** A block larger than this is refused rather than allocated (Spark writes blocks of a few MB). */
const MAX_BLOCK_BYTES = 512 * 1024 * 1024;

export class AvroFramingError extends Error {
  constructor(
    message: string,
    readonly byteOffset: number,
    readonly block?: number,
  ) {
    super(message);
  }
}

export interface AvroHeader {
  /** The writer schema, as JSON text. */
  readonly schemaText: string;
  readonly codec: string;
  readonly metadata: ReadonlyMap<string, Buffer>;
}

export interface AvroBlock {
  readonly index: number;
  /** Where the block starts in the file. */
  readonly byteOffset: number;
  readonly count: number;
  /** The block's objects, decompressed. */
  readonly data: Buffer;
}

export class AvroContainerReader {
  private sync: Buffer | undefined;
  private blocks = 0;

  constructor(private readonly reader: ByteReader) {}

  async readHeader(): Promise<AvroHeader> {
    try {
      const magic = await this.reader.read(4);
      if (!magic.equals(AVRO_MAGIC)) throw new AvroFramingError('not an Avro container file (wrong magic bytes)', 0);
      const metadata = new Map<string, Buffer>();
      for (;;) {
        let count = await this.reader.readLong();
        if (count === 0) break;
        if (count < 0) {
          count = -count;
          await this.reader.readLong(); // the block's byte size, not needed
        }
        for (let i = 0; i < count; i++) {
          const key = (await this.reader.read(await this.length('metadata key'))).toString('utf8');
          metadata.set(key, Buffer.from(await this.reader.read(await this.length('metadata value'))));
        }
      }
      this.sync = Buffer.from(await this.reader.read(16));
      const schema = metadata.get('avro.schema');
      if (!schema) throw new AvroFramingError('the header holds no avro.schema', 0);
      const codec = metadata.get('avro.codec')?.toString('utf8') || 'null';
      return { schemaText: schema.toString('utf8'), codec, metadata };
    } catch (err) {
      throw this.framingError(err, 'header');
    }
  }

  /** The next block, or undefined at the end of the file. */
  async nextBlock(codec: (block: Buffer) => Buffer = avroCodec('null')): Promise<AvroBlock | undefined> {
    if (!this.sync) throw new Error('readHeader() first');
    if (this.reader.remaining === 0) return undefined;
    const byteOffset = this.reader.position;
    const index = this.blocks;
    try {
      const count = await this.reader.readLong();
      const size = await this.reader.readLong();
      if (count < 0 || size < 0) throw new AvroFramingError(`invalid block header (count ${count}, size ${size})`, byteOffset, index);
      if (size > MAX_BLOCK_BYTES) throw new AvroFramingError(`block of ${size} bytes is larger than the ${MAX_BLOCK_BYTES} allowed`, byteOffset, index);
      if (size + 16 > this.reader.remaining) {
        throw new AvroFramingError(
          `truncated: block ${index} declares ${size} bytes and a sync marker, but only ${this.reader.remaining} bytes remain (file size ${this.reader.size})`,
          byteOffset,
          index,
        );
      }
      const raw = await this.reader.read(size);
      const sync = await this.reader.read(16);
      if (!sync.equals(this.sync)) throw new AvroFramingError(`block ${index} does not end with the file's sync marker (corrupt block)`, byteOffset, index);
      let data: Buffer;
      try {
        data = codec(raw);
      } catch (err) {
        throw new AvroFramingError(`block ${index} cannot be decompressed: ${(err as Error).message}`, byteOffset, index);
      }
      this.blocks += 1;
      return { index, byteOffset, count, data };
    } catch (err) {
      throw this.framingError(err, `block ${index}`, byteOffset, index);
    }
  }

  private async length(what: string): Promise<number> {
    const n = await this.reader.readLong();
    if (n < 0) throw new Error(`invalid ${what} length ${n}`);
    if (n > this.reader.remaining) throw new TruncatedFileError(this.reader.position, n, this.reader.size);
    return n;
  }

  private framingError(err: unknown, where: string, byteOffset = 0, block?: number): AvroFramingError {
    if (err instanceof AvroFramingError) return err;
    if (err instanceof TruncatedFileError) {
      return new AvroFramingError(`truncated in the ${where}: ${err.wanted} bytes needed at byte ${err.offset}, but the file ends at byte ${err.size}`, byteOffset, block);
    }
    return new AvroFramingError(`unreadable ${where}: ${(err as Error).message}`, byteOffset, block);
  }
}
