/**
 * Which Host headers the server answers: the defence against DNS rebinding. A rebinding page
 * reaches this server under the attacker's own name (`Host: evil.example`), so any name not
 * on the list is refused. Always allowed, with any port (a proxy or a port mapping may change
 * it, and the port plays no part in rebinding): the localhost names, the address given to
 * --host, and the address the connection arrived on (an IP literal never comes from a
 * rebound name). --allowed-hosts adds names (`*` globs; a port in an entry pins it); `*`
 * alone allows every Host and so turns the defence off.
 */
import { normalizeAddress, parseHostHeader } from './host-header.js';
import { wildcardPattern } from './wildcard-pattern.js';

export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export type HostCheck = (hostHeader: string | undefined, localAddress: string | undefined) => boolean;

export function hostAllowList(allowedHosts: readonly string[], listenHost: string | undefined): HostCheck {
  if (allowedHosts.includes('*')) return () => true;
  const fixed = new Set([...LOCALHOST_NAMES, ...(listenHost ? [parseHostHeader(listenHost)?.hostname ?? listenHost] : [])]);
  const entries = allowedHosts.flatMap((entry) => {
    const parsed = parseHostHeader(entry);
    if (!parsed) return [];
    const name = wildcardPattern(parsed.hostname);
    const port = parsed.port === undefined || parsed.port === '*' ? undefined : parsed.port;
    return [(hostname: string, p: string | undefined) => name(hostname) && (port === undefined || p === port)];
  });
  return (hostHeader, localAddress) => {
    const host = hostHeader === undefined ? undefined : parseHostHeader(hostHeader);
    if (!host) return false;
    if (fixed.has(host.hostname)) return true;
    if (localAddress !== undefined && normalizeAddress(localAddress) === normalizeAddress(host.hostname)) return true;
    return entries.some((allowed) => allowed(host.hostname, host.port));
  };
}
