/**
 * Sequential reads of bytes, from a file (FileByteReader) or from a buffer already in memory
 * (BufferByteReader: one Kafka message), so that the Avro container framing reads either.
 */

export class TruncatedFileError extends Error {
  constructor(
    readonly offset: number,
    readonly wanted: number,
    readonly size: number,
  ) {
    super(`truncated: ${wanted} bytes needed at byte ${offset}, but the file ends at byte ${size}`);
  }
}

export interface ByteReader {
  readonly size: number;
  readonly position: number;
  readonly remaining: number;
  /** Exactly `n` bytes, or a TruncatedFileError when the input ends first. Buffers handed out stay valid after later reads. */
  read(n: number): Promise<Buffer>;
  readByte(): Promise<number>;
  /** An Avro `long` (zigzag varint), as a number: for counts and sizes, far below 2^53. */
  readLong(): Promise<number>;
  close(): Promise<void>;
}

/** readByte and readLong over read(), shared by the file and buffer readers. */
export abstract class SequentialByteReader implements ByteReader {
  abstract readonly size: number;
  abstract readonly position: number;
  abstract readonly remaining: number;
  abstract read(n: number): Promise<Buffer>;
  abstract close(): Promise<void>;

  async readByte(): Promise<number> {
    return (await this.read(1))[0]!;
  }

  async readLong(): Promise<number> {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = await this.readByte();
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      scale *= 128;
    }
    throw new Error(`invalid varint at byte ${this.position - 10}`);
  }
}

export class BufferByteReader extends SequentialByteReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {
    super();
  }

  get size(): number {
    return this.bytes.length;
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  async read(n: number): Promise<Buffer> {
    if (n > this.remaining) throw new TruncatedFileError(this.offset, n, this.size);
    this.offset += n;
    return this.bytes.subarray(this.offset - n, this.offset);
  }

  async close(): Promise<void> {}
}
