/**
 * A process's metrics on their own small HTTP server (`aviary broker run --metrics-port`):
 * GET /metrics and nothing else, with the server's Host check (a page on another site cannot
 * read it through DNS rebinding) and its security headers. Allowed Host names: the localhost
 * names, the listen address, the address a connection arrived on and this machine's name.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { MetricsRegistry } from '../../common/metrics/metrics-registry.js';
import { hostAllowList } from '../security/host-allow-list.js';
import { setSecurityHeaders } from '../security/security-headers.js';
import { sendMetrics } from './send-metrics.js';

export interface MetricsEndpoint {
  /** http://host:port/metrics, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

export async function serveMetricsEndpoint(registry: MetricsRegistry, host: string, port: number): Promise<MetricsEndpoint> {
  const hostAllowed = hostAllowList([hostname()], host);
  const server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0]!;
    setSecurityHeaders(res, path);
    if (!hostAllowed(req.headers.host, req.socket.localAddress)) return sendText(res, 403, `Host '${req.headers.host ?? ''}' is not allowed\n`);
    if (path !== '/metrics') return sendText(res, 404, 'Not found: metrics are at /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Only GET is allowed\n');
    sendMetrics(res, registry).catch((err: unknown) => sendText(res, 500, `metrics failed: ${err instanceof Error ? err.message : String(err)}\n`));
  });
  await listen(server, host, port);
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        // A scraper's kept-alive connection would hold the close until it times out.
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      reject(new Error(err.code === 'EADDRINUSE' ? `${where} is already in use` : err.code === 'EADDRNOTAVAIL' ? `${host} is not an address of this machine` : `cannot listen on ${where}: ${err.message}`));
    });
    server.listen(port, host, () => resolve());
  });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
