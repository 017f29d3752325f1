/**
 * Personal API tokens: 32 random bytes shown once; only their SHA-256 is stored. A secret of
 * that entropy cannot be guessed, so a fast hash is enough (no KDF needed).
 */
import { createHash, randomBytes } from 'node:crypto';

/** Lets a leaked token be recognised (secret scanners) and told apart from a password. */
const PREFIX = 'avt_';

export function newTokenSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function tokenHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newTokenId(): string {
  return randomBytes(12).toString('hex');
}
