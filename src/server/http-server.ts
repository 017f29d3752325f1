/**
 * The HTTP edge: finds the route, gives the handler its parsed input, and writes every
 * answer or error in MLflow's shape. A handler never sees a half-read body, and no error
 * escapes as anything but MLflow's error body (src/common/mlflow-error.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { InvalidPathError } from '../artifacts/safe-artifact-path.js';
import { MlflowError } from '../common/mlflow-error.js';
import type { Logger } from '../common/logger.js';
import { RESPONDED, type ApiRequest, type Method, type Router } from './router.js';
import { markQueryInput, rememberJsonText } from './request-source.js';
import { toJson } from './json.js';
import { endpointNotFoundMessage } from './unserved-families.js';
import type { BrowserGuard } from './security/browser-guard.js';
import type { RequestObserver } from './metrics/http-metrics.js';
import { routeGroup, UNROUTED } from './metrics/route-group.js';

/** JSON bodies of the API are small (log-batch is bounded); artifacts stream and are not read here. */
const MAX_JSON_BODY = 16 * 1024 * 1024;

/** What request metrics learn of a request as it is handled: its route's area. */
interface RequestTrace {
  route: string;
}

export function createHttpServer(router: Router, log: Logger, guard?: BrowserGuard, observe?: RequestObserver): Server {
  const server = createServer((req, res) => {
    const trace: RequestTrace = { route: UNROUTED.unmatched };
    if (observe) {
      const started = performance.now();
      // 'close' also comes when the client goes away before the answer: such a request is counted too.
      res.once('close', () => observe(trace.route, (req.method ?? 'GET').toUpperCase(), res.statusCode, (performance.now() - started) / 1000));
    }
    handle(router, req, res, guard, trace).catch((err: unknown) => {
      log.error(`unhandled error on ${req.method} ${req.url}: ${String(err)}`);
      if (!res.headersSent) sendError(res, new MlflowError('INTERNAL_ERROR', 'Internal server error'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

async function handle(router: Router, req: IncomingMessage, res: ServerResponse, guard: BrowserGuard | undefined, trace: RequestTrace): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase() as Method;
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  // Route on the path as sent: WHATWG URL parsing would resolve `..` and `\\` and so hide a traversal attempt.
  // Leading slashes count once, as in MLflow's server (`//model-versions/get-artifact` is that route).
  const pathname = (queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt)).replace(/^\/{2,}/, '/');
  // Before any route runs: a refused request (wrong Host, foreign Origin, non-JSON body) touches nothing.
  const verdict = guard?.(req, res, method, pathname);
  if (verdict !== undefined) {
    trace.route = verdict === 'answered' ? UNROUTED.preflight : UNROUTED.refused;
    req.resume();
    if (verdict !== 'answered') sendError(res, verdict);
    return;
  }
  const query = new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1));
  if (hasDotSegment(pathname)) {
    req.resume();
    sendError(res, new InvalidPathError(`'${pathname}' contains '.' or '..' segments or backslashes`));
    return;
  }
  const url = { pathname, searchParams: query };
  const match = router.match(method, url.pathname);
  if (match === undefined || match === 'method-not-allowed') {
    req.resume();
    const message =
      match === undefined
        ? endpointNotFoundMessage(method, url.pathname)
        : `Method ${method} is not allowed for ${url.pathname}`;
    sendError(res, new MlflowError('ENDPOINT_NOT_FOUND', message), match === undefined ? 404 : 405);
    return;
  }
  trace.route = routeGroup(match.pattern, pathname);
  let cached: Promise<unknown> | undefined;
  const apiReq: ApiRequest = {
    method,
    path: url.pathname,
    params: match.params,
    query: url.searchParams,
    input: () => (cached ??= readInput(req, method, url.searchParams)),
    raw: req,
    res,
  };
  try {
    const result = await match.handler(apiReq);
    if (result !== RESPONDED) sendJson(res, 200, result);
  } catch (err) {
    if (!(err instanceof MlflowError)) throw err;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Answered before the whole body arrived (an oversize body, a refused upload): the rest of
    // it is still on the socket, so this connection cannot carry another request.
    if (!req.complete) res.setHeader('Connection', 'close');
    if (!req.readableEnded && !req.destroyed) req.resume();
    sendError(res, err);
  }
}

/** A `.` or `..` segment, raw or percent-encoded, or a backslash anywhere in the path. */
function hasDotSegment(pathname: string): boolean {
  if (pathname.includes('\\') || /%5c/i.test(pathname)) return true;
  return pathname.split('/').some((segment) => {
    const s = segment.replace(/%2e/gi, '.');
    return s === '.' || s === '..';
  });
}

async function readInput(req: IncomingMessage, method: Method, query: URLSearchParams): Promise<unknown> {
  const body = method === 'GET' ? '' : await readBody(req);
  if (body.trim() === '') return markQueryInput(queryToObject(query));
  try {
    return rememberJsonText(JSON.parse(body), body);
  } catch (err) {
    throw new MlflowError('MALFORMED_REQUEST', `Malformed JSON in request body: ${(err as Error).message}`);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) {
      throw new MlflowError('INVALID_PARAMETER_VALUE', `Request body exceeds the limit of ${MAX_JSON_BODY} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Query strings carry repeated fields as repeated keys (`run_ids=a&run_ids=b`). */
function queryToObject(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = toJson(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: MlflowError, status = err.status): void {
  sendJson(res, status, err.toJSON());
}
