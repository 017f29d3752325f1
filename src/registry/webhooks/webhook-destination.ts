/**
 * Checks a webhook's destination against the policy, with MLflow's messages: when a webhook is
 * created or updated (scheme, literal address, names reserved for local hosts, then every
 * address the name resolves to, as MLflow does), and again before every delivery, since a
 * name's addresses can change after it was accepted. The addresses
 * given back are the only ones a delivery may connect to, so a DNS answer that changes between
 * the check and the connection (DNS rebinding) cannot redirect it.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { MlflowError } from '../../common/mlflow-error.js';
import { isPublicAddress } from './public-address.js';
import type { WebhookDestinationPolicy } from './webhook-destination-policy.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Every address `hostname` stands for. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** A destination the policy forbids: final, never worth a retry. */
export class WebhookDestinationRefused extends Error {
  override readonly name = 'WebhookDestinationRefused';
}

const NON_PUBLIC = 'Webhook URL must not resolve to a non-public IP address.';
/** Names that never leave the local host or network (RFC 6761, RFC 6762, RFC 8375, ICANN's .internal). */
const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.(localhost|local|internal|home\.arpa)$/;

/** The host as a bare name or address: no IPv6 brackets, no root-zone dot. */
export function hostOf(url: URL): string {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return host.replace(/\.+$/, '');
}

/** Why `url` may not be a webhook's destination, judged without DNS; undefined when it may. */
export function urlProblem(url: URL, policy: WebhookDestinationPolicy): string | undefined {
  const scheme = url.protocol.slice(0, -1);
  if (!policy.allowedSchemes.includes(scheme)) {
    return `Invalid webhook URL scheme: '${scheme}'. Allowed schemes are: ${policy.allowedSchemes.join(', ')}.`;
  }
  const host = hostOf(url);
  if (policy.allowPrivateHosts || host === '') return undefined;
  if (isIP(host)) return isPublicAddress(host) ? undefined : `${NON_PUBLIC} '${host}' resolves to ${host}.`;
  if (LOCAL_NAMES.test(host)) return `${NON_PUBLIC} '${host}' is reserved for local hosts.`;
  return undefined;
}

/**
 * The addresses a delivery to `url` may connect to. Throws WebhookDestinationRefused when the
 * policy forbids the URL or any address the name resolves to, and the resolver's own error
 * (a network error, worth a retry) when the name does not resolve.
 */
export async function resolveDestination(
  url: URL,
  policy: WebhookDestinationPolicy,
  resolve: HostResolver,
): Promise<readonly ResolvedAddress[]> {
  const problem = urlProblem(url, policy);
  if (problem) throw new WebhookDestinationRefused(problem);
  const host = hostOf(url);
  const family = isIP(host);
  if (family === 4 || family === 6) return [{ address: host, family }];
  const addresses = await resolve(host);
  if (addresses.length === 0) throw new Error(`'${host}' resolves to no address`);
  if (!policy.allowPrivateHosts) {
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) throw new WebhookDestinationRefused(`${NON_PUBLIC} '${host}' resolves to ${refused.address}.`);
  }
  return addresses;
}

/** MLflow's bound on the lookup a create or update waits for. */
export const CREATE_LOOKUP_TIMEOUT_MS = 5_000;

/**
 * The create and update check, with MLflow's 400 messages: a host name must resolve, and only
 * to public addresses. Skipped when private hosts are allowed, as MLflow skips it. Run after
 * `urlProblem`, which judges the scheme and literal addresses without DNS.
 */
export async function checkResolvedHost(url: URL, policy: WebhookDestinationPolicy, resolve: HostResolver, timeoutMs = CREATE_LOOKUP_TIMEOUT_MS): Promise<void> {
  const host = hostOf(url);
  if (policy.allowPrivateHosts || host === '' || isIP(host)) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((done) => (timer = setTimeout(done, timeoutMs, 'timeout')));
  let answer: readonly ResolvedAddress[] | 'timeout';
  try {
    answer = await Promise.race([resolve(host), timeout]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw MlflowError.invalid(`Cannot resolve Webhook URL hostname '${host}': ${code ?? (err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (answer === 'timeout') throw MlflowError.invalid(`Timed out resolving Webhook URL hostname '${host}' after ${timeoutMs / 1000} seconds`);
  if (answer.length === 0) throw MlflowError.invalid(`Cannot resolve Webhook URL hostname '${host}': no address`);
  const refused = answer.find((a) => !isPublicAddress(a.address));
  if (refused) throw MlflowError.invalid(`${NON_PUBLIC} '${host}' resolves to ${refused.address}.`);
}
