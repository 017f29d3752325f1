// The key webhook secrets are encrypted with: MLflow's variable and Fernet format, or a key file
// made owner-only on first use; a key that cannot be used fails at start without being echoed.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fernetCipher, generateFernetKey, parseFernetKey, WebhookSecretUnreadable } from './fernet-cipher.js';
import { ENCRYPTION_KEY_VARIABLE, webhookSecretKey } from './webhook-secret-key.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('fernetCipher', () => {
  it('opens the Fernet specification token (so Python-written secrets open here)', () => {
    // github.com/fernet/spec generate.json; also decrypted by Python's cryptography 50 here.
    const key = parseFernetKey('cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=')!;
    const token = 'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==';
    expect(fernetCipher(key).decrypt(token)).toBe('hello');
  });

  it('round-trips, with a fresh IV each time, and refuses another key or an altered token', () => {
    const cipher = fernetCipher(parseFernetKey(generateFernetKey())!);
    const a = cipher.encrypt('whsec-é-1');
    expect(a).toMatch(/^gAAAAA[A-Za-z0-9_-]+=*$/);
    expect(cipher.encrypt('whsec-é-1')).not.toBe(a);
    expect(cipher.decrypt(a)).toBe('whsec-é-1');
    const other = fernetCipher(parseFernetKey(generateFernetKey())!);
    expect(() => other.decrypt(a)).toThrow(WebhookSecretUnreadable);
    const flipped = Buffer.from(a, 'base64url');
    flipped[30] ^= 1;
    expect(() => cipher.decrypt(flipped.toString('base64url'))).toThrow(WebhookSecretUnreadable);
    expect(() => cipher.decrypt('plain-text-secret')).toThrow(WebhookSecretUnreadable);
  });
});

describe('webhookSecretKey', () => {
  it('takes MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY, and refuses a value that is not a Fernet key without echoing it', () => {
    const key = generateFernetKey();
    const fromEnv = webhookSecretKey({ [ENCRYPTION_KEY_VARIABLE]: key }, undefined);
    expect(fernetCipher(parseFernetKey(key)!).decrypt(fromEnv.cipher.encrypt('s'))).toBe('s');
    expect(fromEnv.source).toBe(ENCRYPTION_KEY_VARIABLE);
    for (const bad of ['my-passphrase-do-not-print', key.slice(0, 40), `${key}x`]) {
      let message = '';
      try {
        webhookSecretKey({ [ENCRYPTION_KEY_VARIABLE]: bad }, undefined);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY must be a Fernet key/);
      expect(message).not.toContain(bad);
    }
  });

  it('without the variable, writes an owner-only key file beside the database at the first secret, and reuses it', () => {
    dir = mkdtempSync(join(tmpdir(), 'aviary-webhook-key-'));
    const file = join(dir, 'webhook-secret.key');
    const first = webhookSecretKey({}, file);
    expect(existsSync(file)).toBe(false);
    const token = first.cipher.encrypt('whsec-file');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseFernetKey(readFileSync(file, 'utf8'))).toBeDefined();
    // Another process (or a restart) reads the same key.
    expect(webhookSecretKey({}, file).cipher.decrypt(token)).toBe('whsec-file');
  });

  it('refuses a key file others may read, or one that holds no key, without printing its content', () => {
    dir = mkdtempSync(join(tmpdir(), 'aviary-webhook-key-'));
    const file = join(dir, 'webhook-secret.key');
    const key = generateFernetKey();
    writeFileSync(file, key, { mode: 0o644 });
    expect(() => webhookSecretKey({}, file)).toThrow(`the webhook secret key file ${file} may be read by other users: run chmod 600 on it`);
    rmSync(file);
    writeFileSync(file, 'not a key', { mode: 0o600 });
    expect(() => webhookSecretKey({}, file)).toThrow(/must hold a Fernet key/);
  });

  it('reads a missing key file as a clear decryption problem, not a crash', () => {
    dir = mkdtempSync(join(tmpdir(), 'aviary-webhook-key-'));
    const token = fernetCipher(parseFernetKey(generateFernetKey())!).encrypt('s');
    expect(() => webhookSecretKey({}, join(dir!, 'webhook-secret.key')).cipher.decrypt(token)).toThrow(/the key file .* is missing/);
  });
});
