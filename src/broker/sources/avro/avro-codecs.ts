/**
 * Block codecs of Avro container files (the `avro.codec` header entry): null, deflate (raw
 * DEFLATE), snappy (a snappy block then the CRC-32 of the uncompressed bytes, big-endian) and
 * zstandard. Any other codec is refused with its name.
 */
import { inflateRawSync } from 'node:zlib';
import { decompressSnappy, decompressZstd } from 'hyparquet-compressors';

export type AvroCodec = (block: Buffer) => Buffer;

const CODECS: Record<string, AvroCodec> = {
  null: (block) => block,
  deflate: (block) => inflateRawSync(block),
  snappy: (block) => {
    if (block.length < 4) throw new Error('snappy block shorter than its checksum');
    const body = block.subarray(0, block.length - 4);
    const output = Buffer.from(decompressSnappy(body, snappyLength(body)));
    const expected = block.readUInt32BE(block.length - 4);
    if (crc32(output) !== expected) throw new Error('snappy block checksum mismatch');
    return output;
  },
  zstandard: (block) => Buffer.from(decompressZstd(block)),
};

export function avroCodec(name: string): AvroCodec {
  const codec = CODECS[name];
  if (!codec) throw new Error(`unsupported Avro codec "${name}" (supported: ${Object.keys(CODECS).join(', ')})`);
  return codec;
}

/** A snappy block starts with its uncompressed length as a varint. */
function snappyLength(body: Buffer): number {
  let length = 0;
  for (let i = 0, scale = 1; i < 5 && i < body.length; i++, scale *= 128) {
    length += (body[i]! & 0x7f) * scale;
    if ((body[i]! & 0x80) === 0) return length;
  }
  throw new Error('snappy block without a valid length');
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE), written out: node:zlib has crc32 only from Node 20.15. */
function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
