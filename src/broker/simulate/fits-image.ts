/**
 * Minimal FITS files of 2-D images: a primary HDU (SIMPLE, BITPIX, NAXIS, NAXIS1/NAXIS2, then
 * EXTEND when image extensions follow), optional IMAGE extensions (XTENSION, PCOUNT, GCOUNT),
 * each header and data padded to 2880-byte blocks, pixels big-endian (FITS byte order), row by
 * row from the bottom. Float32 pixels are written as BITPIX -32, Float64 as -64.
 */
const BLOCK = 2880;
const CARD = 80;

export type FitsValue = string | number | boolean;
/** A header card after the mandatory ones: keyword, value, optional comment. */
export type FitsCard = readonly [keyword: string, value: FitsValue, comment?: string];

export interface FitsHdu {
  readonly pixels: Float32Array | Float64Array;
  readonly width: number;
  readonly height: number;
  readonly cards?: readonly FitsCard[];
}

/** One float image in a primary HDU, in DN (ZTF's cutouts). */
export function fitsImage(pixels: Float32Array, width: number, height: number): Buffer {
  return fitsFile([{ pixels, width, height, cards: [['BUNIT', 'DN']] }]);
}

/** A primary image followed by image extensions. */
export function fitsFile(hdus: readonly FitsHdu[]): Buffer {
  if (hdus.length === 0) throw new Error('a FITS file needs at least one image');
  return Buffer.concat(hdus.map((hdu, index) => encodeHdu(hdu, index === 0, hdus.length > 1)));
}

function encodeHdu(hdu: FitsHdu, primary: boolean, extended: boolean): Buffer {
  const { pixels, width, height } = hdu;
  if (pixels.length !== width * height) throw new Error(`a ${width}x${height} image needs ${width * height} pixels, got ${pixels.length}`);
  const bytesPerPixel = pixels.BYTES_PER_ELEMENT;
  const mandatory: FitsCard[] = [
    primary ? ['SIMPLE', true] : ['XTENSION', 'IMAGE'],
    ['BITPIX', -8 * bytesPerPixel],
    ['NAXIS', 2],
    ['NAXIS1', width],
    ['NAXIS2', height],
    ...(primary ? (extended ? [['EXTEND', true] as const] : []) : [['PCOUNT', 0] as const, ['GCOUNT', 1] as const]),
  ];
  const cards = [...mandatory, ...(hdu.cards ?? [])].map(card).join('') + 'END'.padEnd(CARD, ' ');
  const headerBytes = padded(cards.length);
  const dataBytes = pixels.length * bytesPerPixel;
  const file = Buffer.alloc(headerBytes + padded(dataBytes), 0);
  file.fill(0x20, 0, headerBytes); // headers are padded with spaces, data with zeros
  file.write(cards, 0, 'latin1');
  const data = file.subarray(headerBytes, headerBytes + dataBytes);
  Buffer.from(pixels.buffer, pixels.byteOffset, dataBytes).copy(data);
  if (littleEndian) {
    if (bytesPerPixel === 8) data.swap64();
    else data.swap32();
  }
  return file;
}

/** A fixed-format card: keyword in columns 1-8, "= ", a string left-aligned or any other value right-aligned to column 30. */
function card([keyword, value, comment]: FitsCard): string {
  const text = typeof value === 'string' ? `'${value.replaceAll("'", "''").padEnd(8, ' ')}'`.padEnd(20, ' ') : formatValue(value).padStart(20, ' ');
  const line = `${keyword.padEnd(8, ' ')}= ${text}${comment ? ` / ${comment}` : ''}`;
  if (line.length > CARD) throw new Error(`the FITS card ${keyword} does not fit in ${CARD} characters`);
  return line.padEnd(CARD, ' ');
}

function formatValue(value: number | boolean): string {
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (!Number.isFinite(value)) throw new Error(`a FITS header value must be finite, got ${value}`);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  // FITS reals: a decimal point and an upper-case exponent (two digits at least, as most writers do)
  return value.toExponential(12).toUpperCase().replace(/E([+-])(\d)$/, (_, sign: string, digit: string) => `E${sign}0${digit}`);
}

function padded(bytes: number): number {
  return Math.ceil(bytes / BLOCK) * BLOCK;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
