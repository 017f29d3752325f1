// scrypt hashes: salted, parameters carried in the stored string, tampering and absurd parameters refused.
import { describe, expect, it } from 'vitest';
import { hashPassword, scryptParamsOf, verifyPassword } from './password-hash.js';

describe('password hashes', () => {
  it('verifies the right password only, with a different salt each time', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('keeps hashes made with other parameters verifiable (they can be raised later)', async () => {
    const cheap = await hashPassword('pw', { N: 2 ** 10, r: 8, p: 1 });
    expect(scryptParamsOf(cheap)).toEqual({ N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('pw', cheap)).toBe(true);
    expect(scryptParamsOf(await hashPassword('pw'))!.N).toBeGreaterThanOrEqual(2 ** 15);
  });

  it('refuses tampered or unreadable hashes without throwing, and parameters that would cost minutes', async () => {
    const stored = await hashPassword('pw', { N: 2 ** 10, r: 8, p: 1 });
    const parts = stored.split('$');
    const flipped = Buffer.from(parts[5]!, 'base64');
    flipped[0] ^= 1;
    expect(await verifyPassword('pw', [...parts.slice(0, 5), flipped.toString('base64')].join('$'))).toBe(false);
    expect(await verifyPassword('pw', ['scrypt', 2 ** 30, 8, 1, parts[4], parts[5]].join('$'))).toBe(false);
    expect(await verifyPassword('pw', 'pbkdf2:sha256:260000$abc$def')).toBe(false);
    expect(await verifyPassword('pw', '')).toBe(false);
  });
});
