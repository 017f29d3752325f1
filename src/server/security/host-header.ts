/** A Host header (or an --allowed-hosts entry) split into its name and port, brackets of IPv6 removed. */
export interface HostAndPort {
  readonly hostname: string;
  /** Undefined when the header names no port. */
  readonly port: string | undefined;
}

export function parseHostHeader(value: string): HostAndPort | undefined {
  const host = value.trim().toLowerCase();
  if (host === '') return undefined;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return undefined;
    const rest = host.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    return { hostname: host.slice(1, end), port: rest === '' ? undefined : rest.slice(1) };
  }
  const colons = host.split(':').length - 1;
  // A bare IPv6 address (an --allowed-hosts entry such as ::1) has no port to split off.
  if (colons !== 1) return { hostname: host, port: undefined };
  const at = host.indexOf(':');
  return { hostname: host.slice(0, at), port: host.slice(at + 1) };
}

/** An address as Node reports a socket's (`::ffff:127.0.0.1` for IPv4 on a dual-stack socket) in Host form. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice('::ffff:'.length) : lower;
}
