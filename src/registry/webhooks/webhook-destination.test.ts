// The destination policy: which addresses count as public (checked against MLflow's own
// `_is_public_ip` answers, differences marked), the URL checks made at create, and the
// environment variables.
import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './public-address.js';
import { DEFAULT_WEBHOOK_POLICY, webhookPolicyFromEnv } from './webhook-destination-policy.js';
import { WebhookDestinationRefused, resolveDestination, urlProblem, type HostResolver } from './webhook-destination.js';

describe('isPublicAddress', () => {
  const notPublic = [
    '0.0.0.0', '10.1.1.1', '100.64.0.1', '127.0.0.1', '127.255.255.254', '169.254.169.254', '172.16.0.1', '172.31.255.255',
    '192.0.0.1', '192.0.2.1', '192.168.1.1', '198.18.0.1', '198.51.100.1', '203.0.113.1', '240.0.0.1', '255.255.255.255',
    '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::a00:1', '100::1', '2001::1', '2001:db8::1',
    '2002:a00:1::', '2002:7f00:1::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0',
    // Refused here, public to MLflow: multicast, site-local, IPv4-compatible loopback, SIIT, local-use NAT64.
    '224.0.0.1', '239.255.255.250', 'ff02::1', 'fec0::1', '::127.0.0.1', '::ffff:0:7f00:1', '64:ff9b:1::1',
    // Not an address at all.
    'localhost', '', '1.2.3', '::g',
  ];
  const isPublic = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.88.99.1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::', '2606:4700::1111', '2001:4860:4860::8888'];

  it.each(notPublic)('%s is not public', (ip) => expect(isPublicAddress(ip)).toBe(false));
  it.each(isPublic)('%s is public', (ip) => expect(isPublicAddress(ip)).toBe(true));
});

describe('urlProblem', () => {
  const problem = (url: string) => urlProblem(new URL(url), DEFAULT_WEBHOOK_POLICY);

  it('lets a permissive policy through, scheme list still applied', () => {
    const local = { allowedSchemes: ['http', 'https'], allowPrivateHosts: true };
    expect(urlProblem(new URL('http://127.0.0.1:5000/'), local)).toBeUndefined();
    expect(urlProblem(new URL('http://localhost/'), local)).toBeUndefined();
    expect(urlProblem(new URL('ftp://example.com/'), local)).toBe("Invalid webhook URL scheme: 'ftp'. Allowed schemes are: http, https.");
  });

  it('refuses every spelling WHATWG URL parsing turns into a private address', () => {
    for (const url of ['https://2130706433/', 'https://0x7f.0.0.1/', 'https://0177.0.0.1/', 'https://127.0.0.1./', 'https://[0:0:0:0:0:ffff:7f00:1]/']) {
      expect(problem(url)).toMatch(/^Webhook URL must not resolve to a non-public IP address\. '.*' resolves to /);
    }
  });

  it('refuses names reserved for local hosts and networks', () => {
    for (const host of ['localhost', 'localhost.localdomain', 'ip6-localhost', 'x.localhost', 'printer.local', 'metadata.google.internal', 'nas.home.arpa']) {
      expect(problem(`https://${host}/`)).toBe(`Webhook URL must not resolve to a non-public IP address. '${host}' is reserved for local hosts.`);
    }
    expect(problem('https://localhost.example.com/')).toBeUndefined();
    expect(problem('https://hooks.example.com/')).toBeUndefined();
  });
});

describe('resolveDestination', () => {
  const answering =
    (...addresses: string[]): HostResolver =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const url = new URL('https://hooks.example.com/x');

  it('gives back every address when all are public', async () => {
    await expect(resolveDestination(url, DEFAULT_WEBHOOK_POLICY, answering('93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'))).resolves.toHaveLength(2);
  });

  it('refuses when any address is not public', async () => {
    for (const bad of ['169.254.169.254', '::1', '::ffff:10.0.0.1', 'fd00::5']) {
      const refused = resolveDestination(url, DEFAULT_WEBHOOK_POLICY, answering('93.184.215.14', bad));
      await expect(refused).rejects.toBeInstanceOf(WebhookDestinationRefused);
      await expect(refused).rejects.toThrow(`'hooks.example.com' resolves to ${bad}.`);
    }
  });

  it('does not resolve a literal address, and resolves but allows private ones when told', async () => {
    const never: HostResolver = () => Promise.reject(new Error('resolver called'));
    await expect(resolveDestination(new URL('https://8.8.8.8/'), DEFAULT_WEBHOOK_POLICY, never)).resolves.toEqual([{ address: '8.8.8.8', family: 4 }]);
    const local = { allowedSchemes: ['https'], allowPrivateHosts: true };
    await expect(resolveDestination(url, local, answering('10.0.0.5'))).resolves.toEqual([{ address: '10.0.0.5', family: 4 }]);
  });
});

describe('webhookPolicyFromEnv', () => {
  it("defaults to MLflow's: https to public addresses only", () => {
    expect(webhookPolicyFromEnv({})).toEqual({ allowedSchemes: ['https'], allowPrivateHosts: false });
  });

  it('reads both variables as MLflow does', () => {
    expect(webhookPolicyFromEnv({ MLFLOW_WEBHOOK_ALLOWED_SCHEMES: ' http , HTTPS', MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'True' })).toEqual({
      allowedSchemes: ['http', 'https'],
      allowPrivateHosts: true,
    });
    expect(webhookPolicyFromEnv({ MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: '0' }).allowPrivateHosts).toBe(false);
  });

  it('refuses values it cannot honour', () => {
    expect(() => webhookPolicyFromEnv({ MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'yes' })).toThrow(
      "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS value must be one of ['true', 'false', '1', '0'] (case-insensitive), but got yes",
    );
    expect(() => webhookPolicyFromEnv({ MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'https,ftp' })).toThrow(/MLFLOW_WEBHOOK_ALLOWED_SCHEMES/);
    expect(() => webhookPolicyFromEnv({ MLFLOW_WEBHOOK_ALLOWED_SCHEMES: ' , ' })).toThrow(/MLFLOW_WEBHOOK_ALLOWED_SCHEMES/);
  });
});
