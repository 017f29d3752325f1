/**
 * A webhook receiver for tests: a real HTTP server on 127.0.0.1 (an ephemeral port) that keeps
 * every request and answers with the status `answer` picks (200 unless told otherwise).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RecordingReceiver {
  readonly received: ReceivedRequest[];
  url(path: string): string;
  at(path: string): ReceivedRequest[];
  /** Resolves once `count` requests reached `path`; rejects after `timeoutMs`. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** `nth` counts from 1 per path. */
export type Answer = (path: string, nth: number) => number;

export async function startRecordingReceiver(answer: Answer = () => 200): Promise<RecordingReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = answer(path, received.filter((r) => r.path === path).length);
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(`answered ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const at = (path: string) => received.filter((r) => r.path === path);
  return {
    received,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    at,
    async waitFor(path, count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (at(path).length < count) {
        if (Date.now() > deadline) throw new Error(`${path} got ${at(path).length} of ${count} requests within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return at(path);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
