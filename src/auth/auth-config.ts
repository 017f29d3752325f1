/**
 * The settings of `aviary server --auth`, read like MLflow's basic_auth.ini: a `[mlflow]`
 * section of `key = value` lines. The admin password may come from the environment instead
 * (AVIARY_ADMIN_PASSWORD, or MLflow's MLFLOW_AUTH_ADMIN_PASSWORD), so it need not sit in a file.
 */
import { readFileSync } from 'node:fs';
import { parsePermission, type Permission } from './permission.js';

export interface AuthConfig {
  /** What a user has on a resource without an explicit grant. */
  readonly defaultPermission: Permission;
  readonly adminUsername: string;
  /** Used only when the admin user is created (first start); a strong one is generated when absent. */
  readonly adminPassword?: string;
  /** Alerts, objects, dead letters and broker runs readable without credentials. */
  readonly publicAlerts: boolean;
  /** How long a successful password check is remembered (0 turns the cache off). */
  readonly credentialCacheSeconds: number;
}

const DEFAULTS: AuthConfig = { defaultPermission: 'READ', adminUsername: 'admin', publicAlerts: false, credentialCacheSeconds: 60 };

/** Reads `path` (or MLFLOW_AUTH_CONFIG_PATH) when given; throws a one-line Error naming the file and key. */
export function readAuthConfig(path: string | undefined, env: NodeJS.ProcessEnv): AuthConfig {
  const file = path ?? (env.MLFLOW_AUTH_CONFIG_PATH || undefined);
  const values = file === undefined ? new Map<string, string>() : parseIni(readConfigFile(file), file);
  const where = file ?? 'the auth config';
  const adminPassword = env.AVIARY_ADMIN_PASSWORD || env.MLFLOW_AUTH_ADMIN_PASSWORD || values.get('admin_password') || undefined;
  const adminUsername = values.get('admin_username') ?? DEFAULTS.adminUsername;
  if (adminUsername.trim() === '') throw new Error(`${where}: admin_username must not be empty`);
  let defaultPermission = DEFAULTS.defaultPermission;
  if (values.has('default_permission')) {
    try {
      defaultPermission = parsePermission(values.get('default_permission'));
    } catch (err) {
      throw new Error(`${where}: default_permission: ${(err as Error).message}`);
    }
  }
  const cache = values.get('auth_cache_ttl_seconds');
  const credentialCacheSeconds = cache === undefined ? DEFAULTS.credentialCacheSeconds : Number(cache);
  if (!Number.isInteger(credentialCacheSeconds) || credentialCacheSeconds < 0 || credentialCacheSeconds > 3600) {
    throw new Error(`${where}: auth_cache_ttl_seconds must be an integer from 0 to 3600`);
  }
  return { defaultPermission, adminUsername, adminPassword, publicAlerts: parseBool(values.get('public_alerts'), 'public_alerts', where), credentialCacheSeconds };
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the auth config ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** The `[mlflow]` section (or keys before any section); other sections are ignored as MLflow ignores them. */
function parseIni(text: string, file: string): Map<string, string> {
  const values = new Map<string, string>();
  let section = '';
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      return;
    }
    const eq = line.search(/[=:]/);
    if (eq <= 0) throw new Error(`${file}:${i + 1}: expected 'key = value'`);
    if (section === '' || section === 'mlflow') values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  });
  return values;
}

function parseBool(value: string | undefined, key: string, where: string): boolean {
  if (value === undefined) return false;
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw new Error(`${where}: ${key} must be true or false`);
}
