/**
 * MLflow's scoring server for one loaded model (what `mlflow models serve` answers):
 * GET /ping and /health (200 once the model is loaded), GET /version, POST /invocations.
 * Unknown paths and methods answer as MLflow's FastAPI app does ({"detail": ...}, 404 / 405).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../common/logger.js';
import type { LoadedModel } from '../load-model.js';
import { invoke, type InvocationResponse } from './invocations.js';

export interface ScoringServerOptions {
  /** What GET /version answers: the MLflow release whose scoring protocol is served, as MLflow's scoring server answers its own. */
  readonly version: string;
  readonly logger: Logger;
  /** Larger bodies are refused with 413 (default 512 MiB). */
  readonly maxBodyBytes?: number;
}

const ROUTES: Record<string, string> = { '/ping': 'GET', '/health': 'GET', '/version': 'GET', '/invocations': 'POST' };

export function createScoringServer(model: Pick<LoadedModel, 'runtime' | 'signature'>, options: ScoringServerOptions): Server {
  const limit = options.maxBodyBytes ?? 512 * 1024 * 1024;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.logger.error(`unhandled error on ${req.method} ${req.url}: ${String(err)}`);
      if (!res.headersSent) send(res, { status: 500, contentType: 'application/json', body: '{"error_code":"INTERNAL_ERROR","message":"Internal server error"}' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = ROUTES[path];
    if (method === undefined || (req.method !== method && !(method === 'GET' && req.method === 'HEAD'))) {
      req.resume();
      const status = method === undefined ? 404 : 405;
      send(res, { status, contentType: 'application/json', body: JSON.stringify({ detail: status === 404 ? 'Not Found' : 'Method Not Allowed' }) });
      return;
    }
    if (path === '/version') return send(res, { status: 200, contentType: 'application/json', body: options.version });
    if (path !== '/invocations') return send(res, { status: 200, contentType: 'application/json', body: '\n' });
    const body = await readBody(req, limit);
    if (body === undefined) {
      res.setHeader('Connection', 'close');
      return send(res, { status: 413, contentType: 'application/json', body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: `Request body exceeds the limit of ${limit} bytes` }) });
    }
    const started = performance.now();
    const answer = await invoke(model, req.headers['content-type'], body);
    options.logger.info(`POST /invocations ${answer.status} (${body.length} bytes, ${Math.round(performance.now() - started)} ms)`);
    send(res, answer);
  }

  server.keepAliveTimeout = 65_000;
  return server;
}

/** The whole body, or undefined when it is longer than `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else chunks.length = 0; // read to the end, keep nothing: the answer needs the connection
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

function send(res: ServerResponse, answer: InvocationResponse): void {
  res.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}
