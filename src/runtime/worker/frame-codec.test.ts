import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameError, FrameType, type Frame } from './frame-codec.js';

const plain = (frames: Frame[]) => frames.map((f) => ({ type: f.type, id: f.id, payload: f.payload.toString('hex') }));

describe('frame codec', () => {
  it('round-trips one frame', () => {
    const frames = new FrameDecoder().push(encodeFrame(FrameType.Predict, 42, Buffer.from('hello')));
    expect(plain(frames)).toEqual([{ type: FrameType.Predict, id: 42, payload: Buffer.from('hello').toString('hex') }]);
  });

  it('waits for the rest of a frame split inside the header and inside the payload', () => {
    const bytes = encodeFrame(FrameType.Result, 7, Buffer.from('0123456789'));
    const decoder = new FrameDecoder();
    expect(decoder.push(bytes.subarray(0, 5))).toEqual([]);
    expect(decoder.push(bytes.subarray(5, 15))).toEqual([]);
    expect(decoder.pending).toBe(15);
    const frames = decoder.push(bytes.subarray(15));
    expect(frames.map((f) => f.payload.toString())).toEqual(['0123456789']);
    expect(decoder.pending).toBe(0);
  });

  it('returns every frame of merged chunks, keeping a trailing partial one', () => {
    const a = encodeFrame(FrameType.Pong, 1);
    const b = encodeFrame(FrameType.Result, 2, Buffer.from('bb'));
    const c = encodeFrame(FrameType.Error, 3, Buffer.from('{"type":"X"}'));
    const decoder = new FrameDecoder();
    const first = decoder.push(Buffer.concat([a, b, c.subarray(0, 13)]));
    expect(first.map((f) => f.id)).toEqual([1, 2]);
    expect(first[0]!.payload.length).toBe(0);
    expect(decoder.push(c.subarray(13)).map((f) => f.payload.toString())).toEqual(['{"type":"X"}']);
  });

  it('refuses a stream that does not start with a frame header', () => {
    expect(() => new FrameDecoder().push(Buffer.from('Traceback (most recent call last)'))).toThrow(FrameError);
  });

  it('refuses a payload length over the limit', () => {
    const header = encodeFrame(FrameType.Result, 1);
    header.writeUInt32LE(0xffffffff, 8);
    expect(() => new FrameDecoder().push(header)).toThrow(/over the limit/);
  });

  it('decodes the same frames however the stream is cut (seeded fuzz)', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const sent = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) => {
        const payload = Buffer.alloc(Math.floor(random() * (random() < 0.2 ? 70000 : 40)));
        for (let j = 0; j < payload.length; j++) payload[j] = Math.floor(random() * 256);
        return { type: 1 + Math.floor(random() * 6), id: (round * 10 + i) >>> 0, payload };
      });
      const stream = Buffer.concat(sent.map((f) => encodeFrame(f.type, f.id, f.payload)));
      const decoder = new FrameDecoder();
      const received: Frame[] = [];
      for (let at = 0; at < stream.length; ) {
        const size = 1 + Math.floor(random() * (random() < 0.5 ? 16 : 9000));
        received.push(...decoder.push(stream.subarray(at, at + size)));
        at += size;
      }
      expect(plain(received)).toEqual(plain(sent));
      expect(decoder.pending).toBe(0);
    }
  });
});
