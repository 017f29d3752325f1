/**
 * Which key encrypts webhook secrets at rest. MLflow reads MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY
 * and, when it is unset, makes a new random key in every process, so secrets stored before a
 * restart can no longer be read. Aviary keeps MLflow's variable and key format, but without it
 * uses a key file beside the SQLite database (created on the first secret, owner-only 0600),
 * so a laptop needs no setting and a restart loses nothing. The file protects a database
 * copied or backed up on its own; whoever can read the whole folder can read the secrets, which
 * is why a server should take the key from the variable (a secret manager) instead.
 * An in-memory database has no folder and no future: its key lives in memory with it.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fernetCipher, generateFernetKey, parseFernetKey, WebhookSecretUnreadable, type WebhookSecretCipher } from './fernet-cipher.js';

export const ENCRYPTION_KEY_VARIABLE = 'MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY';
export const KEY_FILE_NAME = 'webhook-secret.key';

const KEY_FORMAT =
  "a Fernet key: 32 random bytes in url-safe base64, as `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'` prints";

export interface WebhookSecretKey {
  readonly cipher: WebhookSecretCipher;
  /** Where the key comes from, for the start-up line; never the key. */
  readonly source: string;
}

/**
 * Throws, naming the variable or file but never its content, when the key given cannot be used,
 * so a misconfigured server fails at start.
 */
export function webhookSecretKey(env: Readonly<Record<string, string | undefined>>, keyFile: string | undefined): WebhookSecretKey {
  const text = env[ENCRYPTION_KEY_VARIABLE];
  if (text !== undefined && text !== '') {
    const key = parseFernetKey(text);
    if (!key) throw new Error(`${ENCRYPTION_KEY_VARIABLE} must be ${KEY_FORMAT}`);
    return { cipher: fernetCipher(key), source: ENCRYPTION_KEY_VARIABLE };
  }
  if (keyFile === undefined) return { cipher: fernetCipher(parseFernetKey(generateFernetKey())!), source: 'a key kept in memory (in-memory database)' };
  return { cipher: fileKeyCipher(keyFile), source: keyFile };
}

/** The file is read now when it exists, and written only when a first secret is encrypted. */
function fileKeyCipher(path: string): WebhookSecretCipher {
  let cipher = readKeyFile(path);
  const ensure = (): WebhookSecretCipher => {
    if (cipher) return cipher;
    try {
      writeFileSync(path, `${generateFernetKey()}\n`, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      // Another process sharing the database made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    cipher = readKeyFile(path)!;
    return cipher;
  };
  return {
    encrypt: (plaintext) => ensure().encrypt(plaintext),
    decrypt: (token) => {
      if (!cipher) cipher = readKeyFile(path);
      if (!cipher) throw new WebhookSecretUnreadable(`the key file ${path} is missing`);
      return cipher.decrypt(token);
    },
  };
}

function readKeyFile(path: string): WebhookSecretCipher | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // As ssh does with a private key: one others can read is refused (Windows has no such bits).
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(`the webhook secret key file ${path} may be read by other users: run chmod 600 on it`);
  }
  const key = parseFernetKey(readFileSync(path, 'utf8'));
  if (!key) throw new Error(`the webhook secret key file ${path} must hold ${KEY_FORMAT}`);
  return fernetCipher(key);
}
