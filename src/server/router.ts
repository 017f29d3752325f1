/**
 * A small method + path router. Patterns are literal segments, `:name` parameters and a
 * trailing `*name` that takes the rest of the path (for artifact paths).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ApiRequest {
  readonly method: Method;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The request's parameters: the JSON body, or the query string for GET (repeated keys give lists). */
  input(): Promise<unknown>;
  readonly raw: IncomingMessage;
  readonly res: ServerResponse;
}

/** What a handler returns: a JSON object sent with 200, or `RESPONDED` when it wrote the response itself. */
export const RESPONDED = Symbol('responded');
export type HandlerResult = object | typeof RESPONDED;
export type Handler = (req: ApiRequest) => Promise<HandlerResult> | HandlerResult;

export interface Route {
  readonly method: Method;
  readonly pattern: string;
  readonly handler: Handler;
}

interface CompiledRoute extends Route {
  readonly segments: string[];
}

export interface Match {
  readonly handler: Handler;
  readonly params: Record<string, string>;
  /** The route's pattern as added (prefix included), or UI_FALLBACK: what request metrics group by. */
  readonly pattern: string;
}

/** The pattern of a GET answered by the fallback (the web UI's pages). */
export const UI_FALLBACK = '(ui)';

export class Router {
  private readonly routes: CompiledRoute[] = [];
  /** Literal paths found without scanning: most MLflow routes have no parameters. */
  private readonly exact = new Map<string, Handler>();
  /** Answers a GET that no route matched (the web UI's pages); every route keeps priority. */
  private getFallback: Handler | undefined;

  add(method: Method, pattern: string, handler: Handler): this {
    if (!pattern.includes(':') && !pattern.includes('*')) {
      this.exact.set(`${method} ${pattern}`, handler);
    } else {
      this.routes.push({ method, pattern, handler, segments: pattern.split('/') });
    }
    return this;
  }

  /** Mounts each route under every prefix given. */
  mount(prefixes: readonly string[], routes: readonly Route[]): this {
    for (const prefix of prefixes) for (const r of routes) this.add(r.method, prefix + r.pattern, r.handler);
    return this;
  }

  /** Every route as added, prefixes included (the UI fallback aside). */
  list(): { method: Method; pattern: string }[] {
    const exact = [...this.exact.keys()].map((key) => {
      const at = key.indexOf(' ');
      return { method: key.slice(0, at) as Method, pattern: key.slice(at + 1) };
    });
    return [...exact, ...this.routes.map((r) => ({ method: r.method, pattern: r.pattern }))];
  }

  /** Replaces every route's handler (not the UI fallback) with `wrap`'s, given its full pattern: an authorization gate. */
  wrapHandlers(wrap: (method: Method, pattern: string, handler: Handler) => Handler): this {
    for (const [key, handler] of this.exact) {
      const at = key.indexOf(' ');
      this.exact.set(key, wrap(key.slice(0, at) as Method, key.slice(at + 1), handler));
    }
    this.routes.forEach((r, i) => (this.routes[i] = { ...r, handler: wrap(r.method, r.pattern, r.handler) }));
    return this;
  }

  fallbackForGet(handler: Handler): this {
    this.getFallback = handler;
    return this;
  }

  match(method: string, path: string): Match | 'method-not-allowed' | undefined {
    const found = this.matchRoute(method, path);
    if (found === undefined && method === 'GET' && this.getFallback) return { handler: this.getFallback, params: {}, pattern: UI_FALLBACK };
    return found;
  }

  private matchRoute(method: string, path: string): Match | 'method-not-allowed' | undefined {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact) return { handler: exact, params: {}, pattern: path };
    const parts = path.split('/');
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params, pattern: route.pattern };
      pathMatched = true;
    }
    if (!pathMatched) {
      for (const key of this.exact.keys()) if (key.slice(key.indexOf(' ') + 1) === path) return 'method-not-allowed';
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i]!;
    if (seg.startsWith('*')) {
      params[seg.slice(1)] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.startsWith(':')) {
      if (part === '') return undefined;
      params[seg.slice(1)] = decodeURIComponent(part);
    } else if (seg !== part) {
      return undefined;
    }
  }
  return pattern.length === parts.length ? params : undefined;
}
