// The --auth settings: MLflow's basic_auth.ini keys, the environment's admin password, clear errors.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAuthConfig } from './auth-config.js';

async function ini(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'aviary-auth-config-')), 'basic_auth.ini');
  await writeFile(file, text);
  return file;
}

describe('readAuthConfig', () => {
  it('defaults to READ, user admin, no password (one is generated), alerts private', () => {
    expect(readAuthConfig(undefined, {})).toEqual({ defaultPermission: 'READ', adminUsername: 'admin', adminPassword: undefined, publicAlerts: false, credentialCacheSeconds: 60 });
  });

  it("reads MLflow's basic_auth.ini, from the flag or MLFLOW_AUTH_CONFIG_PATH", async () => {
    const file = await ini('[mlflow]\ndefault_permission = NO_PERMISSIONS\ndatabase_uri = sqlite:///basic_auth.db\nadmin_username = root\nadmin_password = s3cret\n# comment\npublic_alerts = true\n');
    const want = { defaultPermission: 'NO_PERMISSIONS', adminUsername: 'root', adminPassword: 's3cret', publicAlerts: true };
    expect(readAuthConfig(file, {})).toMatchObject(want);
    expect(readAuthConfig(undefined, { MLFLOW_AUTH_CONFIG_PATH: file })).toMatchObject(want);
  });

  it('takes the admin password from AVIARY_ADMIN_PASSWORD before the file', async () => {
    const file = await ini('[mlflow]\nadmin_password = from-file\n');
    expect(readAuthConfig(file, { AVIARY_ADMIN_PASSWORD: 'from-env' }).adminPassword).toBe('from-env');
  });

  it('names the file and key of a bad setting, and never prints the password', async () => {
    expect(() => readAuthConfig(join(tmpdir(), 'no-such-auth.ini'), {})).toThrow(/cannot read the auth config .*no-such-auth\.ini/);
    const bad = await ini('[mlflow]\ndefault_permission = WRITE\nadmin_password = hunter2\n');
    expect(() => readAuthConfig(bad, {})).toThrow(/default_permission: Invalid permission 'WRITE'/);
    try {
      readAuthConfig(bad, {});
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });
});
