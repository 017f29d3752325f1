/**
 * A minimal FITS file holding one 2-D float image: a primary HDU with SIMPLE, BITPIX = -32,
 * NAXIS = 2, NAXIS1/NAXIS2 and BUNIT, the header and the data each padded to 2880-byte
 * blocks, pixels as big-endian IEEE float32 (FITS byte order), row by row from the bottom.
 */
const BLOCK = 2880;
const CARD = 80;

export function fitsImage(pixels: Float32Array, width: number, height: number): Buffer {
  if (pixels.length !== width * height) throw new Error(`a ${width}x${height} image needs ${width * height} pixels, got ${pixels.length}`);
  const cards = [
    card('SIMPLE', 'T'),
    card('BITPIX', '-32'),
    card('NAXIS', '2'),
    card('NAXIS1', String(width)),
    card('NAXIS2', String(height)),
    card('BUNIT', "'DN      '"),
    'END'.padEnd(CARD, ' '),
  ].join('');
  const headerBytes = padded(cards.length);
  const dataBytes = padded(pixels.length * 4);
  const file = Buffer.alloc(headerBytes + dataBytes, 0);
  file.fill(0x20, 0, headerBytes); // headers are padded with spaces, data with zeros
  file.write(cards, 0, 'latin1');
  const data = file.subarray(headerBytes, headerBytes + pixels.length * 4);
  Buffer.from(pixels.buffer, pixels.byteOffset, pixels.length * 4).copy(data);
  if (littleEndian) data.swap32();
  return file;
}

/** A fixed-format header card: keyword in columns 1-8, "= ", value right-aligned to column 30. */
function card(keyword: string, value: string): string {
  const text = value.startsWith("'") ? value.padEnd(20, ' ') : value.padStart(20, ' ');
  return `${keyword.padEnd(8, ' ')}= ${text}`.padEnd(CARD, ' ');
}

function padded(bytes: number): number {
  return Math.ceil(bytes / BLOCK) * BLOCK;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
