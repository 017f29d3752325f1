/**
 * Sequential reads from a file with a bounded buffer: only the bytes asked for (plus one read
 * ahead chunk) are in memory. Buffers handed out stay valid after later reads.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { SequentialByteReader, TruncatedFileError } from './byte-reader.js';


const CHUNK = 64 * 1024;

export class FileByteReader extends SequentialByteReader {
  private buffer = Buffer.alloc(0);
  /** File offset of buffer[0]. */
  private bufferStart = 0;
  /** File offset of the next unread byte. */
  private offset = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {
    super();
  }

  static async open(path: string): Promise<FileByteReader> {
    const handle = await open(path, 'r');
    try {
      return new FileByteReader(handle, (await handle.stat()).size);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.size - this.offset;
  }

  /** Exactly `n` bytes, or a TruncatedFileError when the file ends first. */
  async read(n: number): Promise<Buffer> {
    if (n > this.remaining) throw new TruncatedFileError(this.offset, n, this.size);
    const start = this.offset - this.bufferStart;
    if (start + n > this.buffer.length) await this.fill(n);
    const at = this.offset - this.bufferStart;
    this.offset += n;
    return this.buffer.subarray(at, at + n);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** A new buffer from the current offset holding at least `n` bytes; the old one is left to callers holding views. */
  private async fill(n: number): Promise<void> {
    const kept = this.buffer.subarray(this.offset - this.bufferStart);
    const length = Math.min(Math.max(n, CHUNK), this.remaining);
    const next = Buffer.allocUnsafe(length);
    kept.copy(next, 0);
    let filled = kept.length;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(next, filled, length - filled, this.offset + filled);
      if (bytesRead === 0) throw new TruncatedFileError(this.offset, n, this.offset + filled);
      filled += bytesRead;
    }
    this.buffer = next;
    this.bufferStart = this.offset;
  }
}
