import { describe, expect, it } from 'vitest';
import { fitsFile, fitsImage } from './fits-image.js';

describe('fitsImage', () => {
  const pixels = Float32Array.from({ length: 63 * 63 }, (_, i) => (i % 7) - 2.5);
  const file = fitsImage(pixels, 63, 63);
  const header = file.subarray(0, 2880).toString('latin1');

  it('writes a primary header of 80-character cards in one 2880-byte block', () => {
    expect(file.length % 2880).toBe(0);
    expect(file.length).toBe(2880 + Math.ceil((63 * 63 * 4) / 2880) * 2880);
    const cards = header.match(/.{80}/g)!;
    expect(cards[0]).toMatch(/^SIMPLE  = {20}T/);
    expect(cards.slice(1, 5).map((c) => c.slice(0, 30).replace(/ +/g, ' ').trim())).toEqual(['BITPIX = -32', 'NAXIS = 2', 'NAXIS1 = 63', 'NAXIS2 = 63']);
    expect(cards.findIndex((c) => c.startsWith('END '))).toBeGreaterThan(4);
  });

  it('stores the pixels as big-endian float32 after the header', () => {
    for (const i of [0, 1, 6, 3968]) expect(file.readFloatBE(2880 + i * 4)).toBe(pixels[i]);
    expect(file.subarray(2880 + pixels.length * 4).every((b) => b === 0)).toBe(true);
  });

  it('refuses a pixel count that does not match the size', () => {
    expect(() => fitsImage(new Float32Array(10), 63, 63)).toThrow(/63x63 image needs 3969 pixels, got 10/);
  });
});

describe('fitsFile', () => {
  const image = Float32Array.from({ length: 6 }, (_, i) => i - 1.5);
  const psf = Float64Array.from({ length: 4 }, (_, i) => i / 6);
  const file = fitsFile([
    { pixels: image, width: 3, height: 2, cards: [['BUNIT', 'nJy'], ['CRVAL1', 63.349628499442076, 'reference'], ['CD1_1', -5.5e-5]] },
    { pixels: psf, width: 2, height: 2, cards: [['EXTNAME', 'PSFIMAGE']] },
  ]);
  const cards = (from: number) => file.subarray(from, from + 2880).toString('latin1').match(/.{80}/g)!.map((c) => c.trimEnd());

  it('writes a primary image with EXTEND, then an IMAGE extension with PCOUNT and GCOUNT, each in 2880-byte blocks', () => {
    expect(file.length).toBe(4 * 2880);
    expect(cards(0).slice(0, 9)).toEqual([
      'SIMPLE  =                    T',
      'BITPIX  =                  -32',
      'NAXIS   =                    2',
      'NAXIS1  =                    3',
      'NAXIS2  =                    2',
      'EXTEND  =                    T',
      "BUNIT   = 'nJy     '",
      'CRVAL1  =   6.334962849944E+01 / reference',
      'CD1_1   =  -5.500000000000E-05',
    ]);
    expect(cards(2 * 2880).slice(0, 8)).toEqual([
      "XTENSION= 'IMAGE   '",
      'BITPIX  =                  -64',
      'NAXIS   =                    2',
      'NAXIS1  =                    2',
      'NAXIS2  =                    2',
      'PCOUNT  =                    0',
      'GCOUNT  =                    1',
      "EXTNAME = 'PSFIMAGE'",
    ]);
  });

  it('stores float32 and float64 pixels big-endian', () => {
    for (let i = 0; i < image.length; i++) expect(file.readFloatBE(2880 + 4 * i)).toBe(image[i]);
    for (let i = 0; i < psf.length; i++) expect(file.readDoubleBE(3 * 2880 + 8 * i)).toBe(psf[i]);
  });
});
