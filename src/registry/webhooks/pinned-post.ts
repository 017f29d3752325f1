/**
 * One HTTP(S) POST that connects only to addresses checked beforehand, whatever DNS answers by
 * then: node:http's `lookup` hook hands the socket the checked addresses instead of resolving
 * again. The URL's host name still goes in the Host header and as TLS SNI, and the certificate
 * is verified against it. A fresh agent per request, so no pooled socket opened for some other
 * address is ever reused. Redirects are not followed (node:http never does).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { ResolvedAddress } from './webhook-destination.js';

export interface PinnedPostRequest {
  readonly url: URL;
  /** The host name without brackets or root dot, as checked. */
  readonly host: string;
  readonly addresses: readonly ResolvedAddress[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Ends the attempt, the answer's body included. */
  readonly signal: AbortSignal;
  /** Keep up to this many bytes of the answer's body; without it the body is discarded unread. */
  readonly keepBody?: number;
}

export interface PinnedPostAnswer {
  readonly status: number;
  readonly retryAfter?: string;
  readonly body?: string;
}

export function pinnedPost(req: PinnedPostRequest): Promise<PinnedPostAnswer> {
  const { url, host } = req;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const auth = url.username || url.password ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        method: 'POST',
        host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        auth,
        headers: { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) },
        agent: false,
        lookup: pinnedLookup(req.addresses),
        // SNI carries names only (RFC 6066); node:https sets it from `host` otherwise.
        ...(url.protocol === 'https:' && !isIP(host) ? { servername: host } : {}),
        signal: req.signal,
      },
      (res) => {
        const retryAfter = res.headers['retry-after'];
        readBody(res, req.keepBody).then((body) => resolve({ status: res.statusCode ?? 0, retryAfter, body }), reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

async function readBody(res: IncomingMessage, limit: number | undefined): Promise<string | undefined> {
  if (limit === undefined) {
    res.destroy(); // the status is all a delivery needs
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break; // leaving the loop destroys the stream
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
