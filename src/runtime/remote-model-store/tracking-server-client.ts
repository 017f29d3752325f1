/**
 * Requests to a tracking server's REST API (/api/2.0/mlflow/...) and artifact proxy
 * (/api/2.0/mlflow-artifacts/...), with the credentials and TLS settings the mlflow client
 * would send. Every failure becomes one line naming the server (never a credential) and what
 * to check; a server that cannot be reached, or answers 429/502/503/504, fails with a
 * TransientError after two quick retries.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { MlflowError, type ErrorCode } from '../../common/mlflow-error.js';
import { TransientError } from '../../common/transient-error.js';
import { displayUrl, type TrackingServerSettings } from './tracking-server-settings.js';

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);
/** Errors worth a quick second try: the connection was dropped, not refused. */
const RETRIED_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const TLS_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;
/** JSON answers are small; a larger one is not the API answering. */
const MAX_JSON_BYTES = 16 << 20;

export type ApiArea = 'mlflow' | 'mlflow-artifacts';

export class TrackingServerClient {
  /** The server's URL as it may be printed. */
  readonly display: string;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly secure: boolean;

  constructor(private readonly settings: TrackingServerSettings) {
    this.display = displayUrl(settings.url);
    this.secure = settings.url.protocol === 'https:';
    // Keep-alive: a model's files come over a handful of connections, not one per file.
    this.agent = this.secure
      ? new HttpsAgent({ keepAlive: true, maxSockets: 8, ...(settings.ca ? { ca: settings.ca } : {}), rejectUnauthorized: settings.insecureTls !== true })
      : new HttpAgent({ keepAlive: true, maxSockets: 8 });
  }

  /** GET `/api/2.0/<area>/<endpoint>?<query>`, answered with JSON. `what` names the thing read, for errors. */
  async getJson<T>(area: ApiArea, endpoint: string, query: Record<string, string>, what: string): Promise<T> {
    const search = new URLSearchParams(query).toString();
    return this.json<T>(await this.request('GET', `${area}/${endpoint}${search ? `?${search}` : ''}`), what);
  }

  /** POST a JSON body to `/api/2.0/mlflow/<endpoint>` (only for reads that MLflow defines as POST). */
  async postJson<T>(endpoint: string, body: Record<string, unknown>, what: string): Promise<T> {
    return this.json<T>(await this.request('POST', `mlflow/${endpoint}`, JSON.stringify(body)), what);
  }

  /** GET a file of the artifact proxy: the open response, to be consumed or destroyed. */
  async download(encodedPath: string, what: string): Promise<IncomingMessage> {
    const response = await this.request('GET', `mlflow-artifacts/artifacts/${encodedPath}`);
    if (response.statusCode === 200) return response;
    throw this.failure(response, await readText(response), what);
  }

  close(): void {
    this.agent.destroy();
  }

  private async json<T>(response: IncomingMessage, what: string): Promise<T> {
    const text = await readText(response);
    if (response.statusCode !== 200) throw this.failure(response, text, what);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`tracking server ${this.display}: the answer about ${what} is not JSON: is ${this.display} an MLflow tracking server?`);
    }
  }

  private async request(method: string, apiPath: string, body?: string): Promise<IncomingMessage> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.send(method, apiPath, body);
        if (!TRANSIENT_STATUS.has(response.statusCode!) || attempt === ATTEMPTS) return response;
        response.resume();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (!RETRIED_ERRORS.has(code) || attempt === ATTEMPTS) throw this.unreachable(err as NodeJS.ErrnoException);
      }
      await sleep(RETRY_DELAY_MS * attempt);
    }
  }

  private send(method: string, apiPath: string, body?: string): Promise<IncomingMessage> {
    const base = this.settings.url;
    const url = new URL(`${base.pathname.replace(/\/+$/, '')}/api/2.0/${apiPath}`, base);
    const headers: OutgoingHttpHeaders = { accept: 'application/json', ...this.authorization() };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    return new Promise((resolve, reject) => {
      const request = (this.secure ? httpsRequest : httpRequest)(url, { method, headers, agent: this.agent }, resolve);
      // Idle time on the socket, so it also bounds a download that stalls halfway.
      request.setTimeout(this.settings.timeoutMs, () => {
        const err: NodeJS.ErrnoException = new Error(`no answer within ${this.settings.timeoutMs / 1000} s (MLFLOW_HTTP_REQUEST_TIMEOUT)`);
        err.code = 'ESOCKETTIMEDOUT';
        request.destroy(err);
      });
      request.once('error', reject);
      request.end(body);
    });
  }

  private authorization(): OutgoingHttpHeaders {
    const credentials = this.settings.credentials;
    if (!credentials) return {};
    if (credentials.kind === 'bearer') return { authorization: `Bearer ${credentials.token}` };
    return { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` };
  }

  private unreachable(err: NodeJS.ErrnoException): Error {
    const reason = err.message || err.code || String(err);
    if (TLS_ERRORS.test(err.code ?? '')) {
      return new Error(
        `tracking server ${this.display}: its TLS certificate is not trusted (${reason}): set MLFLOW_TRACKING_SERVER_CERT_PATH to the CA bundle that signed it ` +
          '(or MLFLOW_TRACKING_INSECURE_TLS=true to skip the check)',
      );
    }
    return new TransientError(`cannot reach the tracking server ${this.display} (${reason}): check that it is running and that --tracking-uri (or MLFLOW_TRACKING_URI) names it`, { cause: err });
  }

  private failure(response: IncomingMessage, text: string, what: string): Error {
    const status = response.statusCode!;
    const body = parseError(text);
    const said = body?.message ? `: ${body.message}` : '';
    if (status === 401) return new Error(`tracking server ${this.display}: ${this.unauthenticated()}`);
    if (status === 403) {
      const who = this.settings.credentials?.kind === 'basic' ? `user '${this.settings.credentials.username}'` : this.settings.credentials ? 'the token in MLFLOW_TRACKING_TOKEN' : 'a request without credentials';
      return new Error(`tracking server ${this.display}: ${who} may not read ${what} (403${said}): ask an administrator for READ permission on it`);
    }
    if (TRANSIENT_STATUS.has(status)) return new TransientError(`tracking server ${this.display} is unavailable (${status} ${response.statusMessage ?? ''}${said}) while reading ${what}`);
    if (body?.error_code) return new MlflowError(body.error_code as ErrorCode, `tracking server ${this.display}: ${body.message ?? body.error_code}`);
    return new Error(`tracking server ${this.display} answered ${status} ${response.statusMessage ?? ''} while reading ${what}: is it an MLflow tracking server?`);
  }

  private unauthenticated(): string {
    const credentials = this.settings.credentials;
    if (!credentials) return 'it requires credentials (401): set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN';
    if (credentials.kind === 'bearer') return 'it refused the token (401): check MLFLOW_TRACKING_TOKEN';
    return `it refused the password of user '${credentials.username}' (401): check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD`;
  }
}

function parseError(text: string): { error_code?: string; message?: string } | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as { error_code?: string; message?: string }) : undefined;
  } catch {
    return undefined;
  }
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) {
      response.destroy();
      throw new Error(`an answer of more than ${MAX_JSON_BYTES >> 20} MB where JSON was expected`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
