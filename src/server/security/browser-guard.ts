/**
 * The browser defences, run on every request before routing (http-server.ts): security
 * headers, the Host allow-list (DNS rebinding), CORS preflights and headers, refusal of
 * cross-origin state changes (CSRF: a page elsewhere posting `text/plain` or a form, which a
 * browser sends without asking), and JSON-only bodies on JSON endpoints. Clients that send no
 * Origin (the mlflow client, curl) meet only the Host and content-type checks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MlflowError } from '../../common/mlflow-error.js';
import type { Logger } from '../../common/logger.js';
import { hostAllowList } from './host-allow-list.js';
import { jsonContentTypeError } from './json-content-type.js';
import { isSameOrigin, originPolicy } from './origin-policy.js';
import { setSecurityHeaders } from './security-headers.js';

export interface BrowserDefenceOptions {
  /** Host names answered besides the localhost names, the --host address and the connection's own address; `*` allows any. */
  readonly allowedHosts?: readonly string[];
  /** Other origins whose pages may call the API; `*` allows any. Default: none (same origin only). */
  readonly corsAllowedOrigins?: readonly string[];
  /** The address the server listens on (--host), answered as a Host name too. */
  readonly listenHost?: string;
}

/** `answered`: the guard wrote the whole response (a preflight); an error: refuse with it; undefined: route. */
export type GuardVerdict = MlflowError | 'answered' | undefined;
export type BrowserGuard = (req: IncomingMessage, res: ServerResponse, method: string, path: string) => GuardVerdict;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Probes answer whatever Host a load balancer or orchestrator sends, as MLflow's do. */
const HEALTH_PATHS = new Set(['/health', '/version']);
const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Content-Type, Authorization, X-Requested-With';

export function createBrowserGuard(options: BrowserDefenceOptions, log: Logger): BrowserGuard {
  const hostAllowed = hostAllowList(options.allowedHosts ?? [], options.listenHost);
  const origins = originPolicy(options.corsAllowedOrigins ?? []);
  if (options.allowedHosts?.includes('*')) log.warn('--allowed-hosts * answers any Host: pages on any site can reach this server through DNS rebinding');
  if (origins.allowsAnyOrigin) log.warn('--cors-allowed-origins * lets pages on any site read and change everything this server holds');
  return (req, res, method, path) => {
    setSecurityHeaders(res, path);
    const host = req.headers.host;
    if (!HEALTH_PATHS.has(path) && !hostAllowed(host, req.socket.localAddress)) {
      log.warn(`refused a request for Host '${host ?? ''}' (not in --allowed-hosts): possible DNS rebinding`);
      return new MlflowError(
        'PERMISSION_DENIED',
        `Invalid Host header '${host ?? ''}' - possible DNS rebinding attack detected. To serve this name, start the server with --allowed-hosts ${host ?? '<name>'}`,
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const sameOrigin = isSameOrigin(origin, host);
      const listed = !sameOrigin && origins.isListed(origin);
      if (method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        if (!sameOrigin && !listed) return crossOriginRefusal(origin, log);
        answerPreflight(res, origin);
        return 'answered';
      }
      if (listed) res.setHeader('Access-Control-Allow-Origin', origin);
      else if (!sameOrigin && STATE_CHANGING.has(method)) return crossOriginRefusal(origin, log);
    }
    return jsonContentTypeError(req, method, path);
  };
}

function crossOriginRefusal(origin: string, log: Logger): MlflowError {
  log.warn(`refused a cross-origin request from ${origin} (not in --cors-allowed-origins)`);
  return new MlflowError(
    'PERMISSION_DENIED',
    `Cross-origin request blocked: origin '${origin}' is not allowed. To allow it, start the server with --cors-allowed-origins ${origin}`,
  );
}

function answerPreflight(res: ServerResponse, origin: string): void {
  res.writeHead(204, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': '600',
    Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  });
  res.end();
}
