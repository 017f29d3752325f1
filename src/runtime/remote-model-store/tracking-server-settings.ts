/**
 * How to reach a tracking server over HTTP, read as the mlflow client reads it: the URI, then
 * MLFLOW_TRACKING_USERNAME/PASSWORD (basic auth) or MLFLOW_TRACKING_TOKEN (bearer),
 * MLFLOW_TRACKING_INSECURE_TLS, MLFLOW_TRACKING_SERVER_CERT_PATH and MLFLOW_HTTP_REQUEST_TIMEOUT.
 */
import { readFileSync } from 'node:fs';

export type TrackingCredentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

export interface TrackingServerSettings {
  /** The server's base URL without credentials, e.g. https://host:5000 or https://host/mlflow. */
  readonly url: URL;
  readonly credentials?: TrackingCredentials;
  /** PEM certificates trusted for the server's TLS certificate (besides the system's). */
  readonly ca?: Buffer;
  /** Skip checking the server's TLS certificate (MLFLOW_TRACKING_INSECURE_TLS=true). */
  readonly insecureTls?: boolean;
  /** A request with no byte for this long fails (MLflow's default: 120 s). */
  readonly timeoutMs: number;
}

export function isHttpUri(uri: string): boolean {
  return /^https?:\/\//i.test(uri);
}

/** A URI's text as safe to print, even one that does not parse: a password in it replaced by ***. */
export function redactPassword(uri: string): string {
  // Up to the last '@': a password left unencoded may hold '/' or '@'.
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):.*@/i, '$1:***@');
}

/** The URL as safe to print: a password in it replaced by ***. */
export function displayUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return shown.href.replace(/\/$/, '');
}

/** Throws a one-line Error naming the variable or the URI (its password hidden) when one is unusable. */
export function trackingServerSettings(uri: string, env: NodeJS.ProcessEnv): TrackingServerSettings {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error(`tracking URI '${redactPassword(uri)}' is not a URL: expected http(s)://host:port`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`tracking URI ${displayUrl(url)}: only http:// and https:// servers are reached over the network`);
  if (url.search || url.hash) throw new Error(`tracking URI ${displayUrl(url)}: a query or fragment is not allowed`);
  // Credentials in the URI (discouraged: they show in process lists) come before the variables.
  const fromUri = url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  return {
    url,
    ...credentialsOf(fromUri, env),
    ...tlsOf(env),
    timeoutMs: timeoutOf(env),
  };
}

function credentialsOf(fromUri: { username: string; password: string } | undefined, env: NodeJS.ProcessEnv): { credentials?: TrackingCredentials } {
  if (fromUri) return { credentials: { kind: 'basic', ...fromUri } };
  const username = env.MLFLOW_TRACKING_USERNAME;
  const password = env.MLFLOW_TRACKING_PASSWORD;
  if (username && password !== undefined) return { credentials: { kind: 'basic', username, password } };
  if (username || password) throw new Error('MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD go together: set both (or neither)');
  return env.MLFLOW_TRACKING_TOKEN ? { credentials: { kind: 'bearer', token: env.MLFLOW_TRACKING_TOKEN } } : {};
}

function tlsOf(env: NodeJS.ProcessEnv): { ca?: Buffer; insecureTls?: boolean } {
  const insecure = env.MLFLOW_TRACKING_INSECURE_TLS;
  if (insecure !== undefined && !/^(true|false)$/i.test(insecure)) throw new Error(`MLFLOW_TRACKING_INSECURE_TLS=${insecure}: expected true or false`);
  const insecureTls = insecure?.toLowerCase() === 'true';
  const certPath = env.MLFLOW_TRACKING_SERVER_CERT_PATH;
  if (insecureTls && certPath) throw new Error('MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH cannot both be set: choose one');
  if (!certPath) return insecureTls ? { insecureTls } : {};
  try {
    return { ca: readFileSync(certPath) };
  } catch (err) {
    throw new Error(`MLFLOW_TRACKING_SERVER_CERT_PATH=${certPath}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function timeoutOf(env: NodeJS.ProcessEnv): number {
  const text = env.MLFLOW_HTTP_REQUEST_TIMEOUT;
  if (text === undefined || text === '') return 120_000;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`MLFLOW_HTTP_REQUEST_TIMEOUT=${text}: expected a number of seconds above 0`);
  return seconds * 1000;
}
