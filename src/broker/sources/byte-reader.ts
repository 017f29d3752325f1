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

/** An Avro `long` read byte by byte from `next`. */
export async function readVarLong(next: () => Promise<number>, position: () => number): Promise<number> {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const byte = await next();
    result += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    scale *= 128;
  }
  throw new Error(`invalid varint at byte ${position() - 10}`);
}

export class BufferByteReader implements ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

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

  async readByte(): Promise<number> {
    return (await this.read(1))[0]!;
  }

  readLong(): Promise<number> {
    return readVarLong(
      () => this.readByte(),
      () => this.offset,
    );
  }

  async close(): Promise<void> {}
}
