import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayUrl, redactPassword, trackingServerSettings } from './tracking-server-settings.js';

describe('trackingServerSettings', () => {
  it('reads credentials as the mlflow client does: username and password, else a token', () => {
    const basic = trackingServerSettings('https://host:5000/mlflow/', { MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'p:w@d', MLFLOW_TRACKING_TOKEN: 't' });
    expect(basic.credentials).toEqual({ kind: 'basic', username: 'ann', password: 'p:w@d' });
    expect(basic.url.href).toBe('https://host:5000/mlflow/');
    expect(basic.timeoutMs).toBe(120_000);
    expect(trackingServerSettings('http://host', { MLFLOW_TRACKING_TOKEN: 't' }).credentials).toEqual({ kind: 'bearer', token: 't' });
    expect(trackingServerSettings('http://host', {}).credentials).toBeUndefined();
    expect(() => trackingServerSettings('http://host', { MLFLOW_TRACKING_USERNAME: 'ann' })).toThrow('MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD go together');
  });

  it('takes credentials from the URI first, and never shows the password', () => {
    const settings = trackingServerSettings('http://ann:s%40cret@host:5000', { MLFLOW_TRACKING_TOKEN: 't' });
    expect(settings.credentials).toEqual({ kind: 'basic', username: 'ann', password: 's@cret' });
    expect(displayUrl(settings.url)).toBe('http://host:5000');
    expect(displayUrl(new URL('http://ann:secret@host/x/'))).toBe('http://ann:***@host/x');
    expect(redactPassword('http://ann:se/cr@t@host:5000/x')).toBe('http://ann:***@host:5000/x');
    expect(() => trackingServerSettings('http://ann:secret@host:bad', {})).toThrow("tracking URI 'http://ann:***@host:bad' is not a URL");
  });

  it('reads TLS and timeout settings, refusing ones that cannot be right', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aviary-tls-'));
    try {
      await writeFile(join(dir, 'ca.pem'), 'PEM');
      expect(trackingServerSettings('https://host', { MLFLOW_TRACKING_SERVER_CERT_PATH: join(dir, 'ca.pem') }).ca?.toString()).toBe('PEM');
      expect(trackingServerSettings('https://host', { MLFLOW_TRACKING_INSECURE_TLS: 'True' }).insecureTls).toBe(true);
      expect(trackingServerSettings('https://host', { MLFLOW_HTTP_REQUEST_TIMEOUT: '2.5' }).timeoutMs).toBe(2500);
      expect(() => trackingServerSettings('https://host', { MLFLOW_TRACKING_SERVER_CERT_PATH: join(dir, 'none.pem') })).toThrow(/none\.pem: cannot read it \(ENOENT\)/);
      expect(() => trackingServerSettings('https://host', { MLFLOW_TRACKING_INSECURE_TLS: 'yes' })).toThrow('expected true or false');
      expect(() => trackingServerSettings('https://host', { MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_TRACKING_SERVER_CERT_PATH: join(dir, 'ca.pem') })).toThrow('cannot both be set');
      expect(() => trackingServerSettings('https://host', { MLFLOW_HTTP_REQUEST_TIMEOUT: '0' })).toThrow('MLFLOW_HTTP_REQUEST_TIMEOUT=0');
      expect(() => trackingServerSettings('http://host/?x=1', {})).toThrow('a query or fragment is not allowed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
