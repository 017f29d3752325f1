/**
 * A minimal FITS image reader for alert cutouts: 2880-byte blocks of 80-character header cards,
 * big-endian data of BITPIX 8/16/32/-32/-64, scaled by BSCALE/BZERO; BLANK integers become NaN.
 * The first HDU holding a 2-D image is read (Rubin cutouts may keep it in an extension).
 */
export interface FitsImage {
  readonly width: number;
  readonly height: number;
  /** Row-major from FITS's first row (the bottom of the image as displayed). */
  readonly pixels: Float64Array;
  readonly header: ReadonlyMap<string, string | number | boolean>;
}

const BLOCK = 2880;
const CARD = 80;

export function readFitsImage(buffer: ArrayBuffer): FitsImage {
  const bytes = new Uint8Array(buffer);
  let offset = 0;
  while (offset < bytes.length) {
    const { header, dataStart } = readHeader(bytes, offset);
    const bitpix = num(header, 'BITPIX');
    const naxis = num(header, 'NAXIS');
    const dims = Array.from({ length: naxis }, (_, i) => num(header, `NAXIS${i + 1}`));
    const count = dims.length === 0 ? 0 : dims.reduce((a, b) => a * b, 1);
    const dataBytes = count * (Math.abs(bitpix) / 8);
    if (naxis >= 2 && dims[0]! > 0 && dims[1]! > 0) {
      const width = dims[0]!;
      const height = dims[1]!;
      if (dataStart + width * height * (Math.abs(bitpix) / 8) > bytes.length) throw new Error(`FITS data is truncated: ${width}×${height} pixels of BITPIX ${bitpix} do not fit in ${bytes.length} bytes`);
      return { width, height, pixels: readPixels(buffer, dataStart, width * height, header), header };
    }
    offset = dataStart + Math.ceil(dataBytes / BLOCK) * BLOCK;
  }
  throw new Error('FITS file holds no 2-D image');
}

function readHeader(bytes: Uint8Array, start: number): { header: Map<string, string | number | boolean>; dataStart: number } {
  const header = new Map<string, string | number | boolean>();
  const decoder = new TextDecoder('ascii');
  for (let at = start; at + CARD <= bytes.length; at += CARD) {
    const card = decoder.decode(bytes.subarray(at, at + CARD));
    const key = card.slice(0, 8).trim();
    if (key === 'END') return { header, dataStart: start + Math.ceil((at + CARD - start) / BLOCK) * BLOCK };
    if (card.slice(8, 10) !== '= ') continue;
    header.set(key, parseValue(card.slice(10)));
  }
  throw new Error('FITS header has no END card');
}

function parseValue(text: string): string | number | boolean {
  const trimmed = text.trim();
  if (trimmed.startsWith("'")) {
    const end = trimmed.indexOf("'", 1);
    return trimmed.slice(1, end < 0 ? undefined : end).trimEnd();
  }
  const value = trimmed.split('/')[0]!.trim();
  if (value === 'T') return true;
  if (value === 'F') return false;
  const n = Number(value.replace(/D/i, 'E'));
  return Number.isNaN(n) ? value : n;
}

function num(header: ReadonlyMap<string, unknown>, key: string): number {
  const value = header.get(key);
  if (typeof value !== 'number') throw new Error(`FITS header has no numeric ${key}`);
  return value;
}

function readPixels(buffer: ArrayBuffer, start: number, count: number, header: ReadonlyMap<string, unknown>): Float64Array {
  const bitpix = num(header, 'BITPIX');
  const scale = typeof header.get('BSCALE') === 'number' ? (header.get('BSCALE') as number) : 1;
  const zero = typeof header.get('BZERO') === 'number' ? (header.get('BZERO') as number) : 0;
  const blank = typeof header.get('BLANK') === 'number' ? (header.get('BLANK') as number) : undefined;
  const view = new DataView(buffer, start);
  const read = reader(view, bitpix);
  const size = Math.abs(bitpix) / 8;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const raw = read(i * size);
    out[i] = blank !== undefined && bitpix > 0 && raw === blank ? NaN : raw * scale + zero;
  }
  return out;
}

function reader(view: DataView, bitpix: number): (at: number) => number {
  switch (bitpix) {
    case 8:
      return (at) => view.getUint8(at);
    case 16:
      return (at) => view.getInt16(at, false);
    case 32:
      return (at) => view.getInt32(at, false);
    case -32:
      return (at) => view.getFloat32(at, false);
    case -64:
      return (at) => view.getFloat64(at, false);
    default:
      throw new Error(`Unsupported FITS BITPIX ${bitpix}`);
  }
}
