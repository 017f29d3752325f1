/**
 * Webhook secrets at rest, encrypted as MLflow encrypts them: a Fernet token
 * (mlflow/store/model_registry/dbmodels/models.py, `EncryptedString`) keyed by
 * MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY. Fernet is authenticated encryption (AES-128-CBC, then
 * HMAC-SHA256 over version, time, IV and ciphertext), so a wrong key or an altered value is
 * refused, never decrypted into garbage. Using MLflow's format keeps one key usable by both
 * servers: a token Aviary writes decrypts with Python's `cryptography.fernet` and back.
 *
 * Token: base64url(0x80 | 8-byte big-endian unix seconds | 16-byte IV | ciphertext | 32-byte HMAC).
 * Key: base64 of 32 bytes, the first half signing, the second encrypting.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface WebhookSecretCipher {
  encrypt(plaintext: string): string;
  /** Throws WebhookSecretUnreadable when the token was not made with this key (or was altered). */
  decrypt(token: string): string;
}

/** A stored secret this key cannot open. The message names neither the key nor the token. */
export class WebhookSecretUnreadable extends Error {
  override readonly name = 'WebhookSecretUnreadable';
}

const VERSION = 0x80;
const HEADER = 1 + 8 + 16;
const MAC = 32;
/** Python's Fernet reads the key with urlsafe_b64decode, which takes either alphabet. */
const KEY_TEXT = /^[A-Za-z0-9+/_-]{43}=?$/;

/** The 32 key bytes of a Fernet key as MLflow documents it, or undefined when `text` is not one. */
export function parseFernetKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!KEY_TEXT.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  return key.length === 32 ? key : undefined;
}

/** A new key, in the text form MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY takes (Python's Fernet.generate_key()). */
export function generateFernetKey(): string {
  return urlSafe(randomBytes(32).toString('base64'));
}

export function fernetCipher(key: Buffer, now: () => number = Date.now): WebhookSecretCipher {
  if (key.length !== 32) throw new Error('a Fernet key is 32 bytes');
  const signingKey = key.subarray(0, 16);
  const encryptionKey = key.subarray(16);
  const mac = (data: Buffer) => createHmac('sha256', signingKey).update(data).digest();
  return {
    encrypt(plaintext) {
      const iv = randomBytes(16);
      const header = Buffer.alloc(HEADER);
      header[0] = VERSION;
      header.writeBigUInt64BE(BigInt(Math.floor(now() / 1000)), 1);
      iv.copy(header, 9);
      const cipher = createCipheriv('aes-128-cbc', encryptionKey, iv);
      const body = Buffer.concat([header, cipher.update(plaintext, 'utf8'), cipher.final()]);
      return urlSafe(Buffer.concat([body, mac(body)]).toString('base64'));
    },
    decrypt(token) {
      const raw = Buffer.from(token.trim(), 'base64url');
      if (raw.length < HEADER + 16 + MAC || raw[0] !== VERSION || (raw.length - HEADER - MAC) % 16 !== 0) {
        throw new WebhookSecretUnreadable('the stored secret is not a Fernet token');
      }
      const body = raw.subarray(0, raw.length - MAC);
      if (!timingSafeEqual(mac(body), raw.subarray(raw.length - MAC))) {
        throw new WebhookSecretUnreadable('the stored secret was encrypted with another key (or altered)');
      }
      const decipher = createDecipheriv('aes-128-cbc', encryptionKey, raw.subarray(9, HEADER));
      return Buffer.concat([decipher.update(raw.subarray(HEADER, raw.length - MAC)), decipher.final()]).toString('utf8');
    },
  };
}

/** Base64url with padding, as Python's urlsafe_b64encode writes it. */
function urlSafe(base64: string): string {
  return base64.replaceAll('+', '-').replaceAll('/', '_');
}
