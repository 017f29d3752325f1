/**
 * Frames between Aviary and a Python worker (src/runtime/python/aviary_worker.py holds the
 * other end). A frame is a 12-byte little-endian header, then `length` bytes of payload:
 *
 *   magic "Av" (2 bytes) | version u8 | type u8 | request id u32 | length u32
 */

export const FRAME_MAGIC = 0x7641; // "Av" read as a little-endian u16
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 12;
/** Larger payloads mean a corrupted stream, not a big batch: split batches well below this. */
export const MAX_FRAME_PAYLOAD = 1 << 30;

export const FrameType = {
  /** worker -> host, once after loading: JSON (load_ms, python, mlflow, flavor, ...). */
  Ready: 1,
  Ping: 2,
  Pong: 3,
  /** host -> worker: a batch (batch-codec.ts). */
  Predict: 4,
  /** worker -> host: the predictions, as a batch. */
  Result: 5,
  /** worker -> host: JSON {type, message, traceback, oom}; id 0 before Ready = the model did not load. */
  Error: 6,
  /** host -> a spare worker (started with --spare, MLflow imported): the model folder to load, UTF-8; answered by Ready or Error. */
  Load: 7,
  /** host -> a spare, before Load: JSON list of module names to import ahead (a previous model's, in this environment); no answer. */
  Preload: 8,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export interface Frame {
  readonly type: number;
  readonly id: number;
  readonly payload: Buffer;
}

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

export function encodeFrame(type: number, id: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new FrameError(`frame payload of ${payload.length} bytes is over the limit`);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt16LE(FRAME_MAGIC, 0);
  frame.writeUInt8(FRAME_VERSION, 2);
  frame.writeUInt8(type, 3);
  frame.writeUInt32LE(id, 4);
  frame.writeUInt32LE(payload.length, 8);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Turns a byte stream cut anywhere into whole frames. `push` returns the frames completed by
 * the chunk (none, one or several); a bad header throws FrameError, after which the stream
 * cannot be resynchronised and the decoder should be dropped.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < FRAME_HEADER_BYTES) break;
      const header = this.peek(FRAME_HEADER_BYTES);
      const magic = header.readUInt16LE(0);
      const version = header.readUInt8(2);
      if (magic !== FRAME_MAGIC || version !== FRAME_VERSION) {
        throw new FrameError(`bad frame header ${header.toString('hex')} (expected magic "Av", version ${FRAME_VERSION})`);
      }
      const length = header.readUInt32LE(8);
      if (length > MAX_FRAME_PAYLOAD) throw new FrameError(`frame payload of ${length} bytes is over the limit`);
      if (this.buffered < FRAME_HEADER_BYTES + length) break;
      const whole = this.take(FRAME_HEADER_BYTES + length);
      frames.push({ type: header.readUInt8(3), id: header.readUInt32LE(4), payload: whole.subarray(FRAME_HEADER_BYTES) });
    }
    return frames;
  }

  /** Bytes held towards a frame not yet complete. */
  get pending(): number {
    return this.buffered;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return joined.subarray(0, n);
  }
}
