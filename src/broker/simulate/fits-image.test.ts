import { describe, expect, it } from 'vitest';
import { fitsImage } from './fits-image.js';

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
