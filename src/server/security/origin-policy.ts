/**
 * Which browser origins may use the API. A page's own origin always may (same host and port
 * as the Host it asked for); other origins only when --cors-allowed-origins lists them (exact
 * `scheme://host[:port]`, `*` globs, or `*` alone for any origin, which turns the cross-origin
 * defences off). Unlike MLflow, other localhost ports are not allowed by default: any program
 * on the machine (a notebook, a dev server, a page a local tool opened) could use them.
 */
import { parseHostHeader } from './host-header.js';
import { wildcardPattern } from './wildcard-pattern.js';

export interface OriginPolicy {
  readonly allowsAnyOrigin: boolean;
  /** True for a listed origin (not for the same origin: that needs no CORS headers). */
  isListed(origin: string): boolean;
}

export function originPolicy(corsAllowedOrigins: readonly string[]): OriginPolicy {
  const allowsAnyOrigin = corsAllowedOrigins.includes('*');
  const listed = corsAllowedOrigins.map((o) => wildcardPattern(o.replace(/\/+$/, '')));
  return { allowsAnyOrigin, isListed: (origin) => allowsAnyOrigin || listed.some((matches) => matches(origin)) };
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/**
 * Whether `origin` names the host and port the request was sent to. The scheme is not compared:
 * behind a TLS proxy the page is https while this server sees plain http.
 */
export function isSameOrigin(origin: string, hostHeader: string | undefined): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and anything unreadable
  }
  const defaultPort = DEFAULT_PORTS[url.protocol];
  const host = hostHeader === undefined ? undefined : parseHostHeader(hostHeader);
  if (defaultPort === undefined || !host) return false;
  const originHostname = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return originHostname === host.hostname && (url.port || defaultPort) === (host.port ?? defaultPort);
}
