/**
 * The one way the UI talks to the server: every request carries `X-Requested-With: aviary-ui`
 * (so a 401 comes without `WWW-Authenticate` and the browser shows no native login dialog) and
 * this tab's credentials. A 401 means the session is over: the credentials are forgotten and
 * `aviary:signed-out` is dispatched, which sends the app to the login page with the current URL
 * kept to return to. A 403 is left to the caller, which shows the server's message.
 */
import { ApiError } from './api-error.js';
import { forgetSessionAuthorization, sessionAuthorization } from './session-credentials.js';

export const SIGNED_OUT_EVENT = 'aviary:signed-out';

export interface ApiFetchInit extends RequestInit {
  /** Sent instead of the session's credentials (the login form checking them before keeping them). */
  authorization?: string;
  /** A 401 is only returned: the caller handles it (the login form, the start-up whoami). */
  keepSessionOn401?: boolean;
}

export async function apiFetch(url: string, init: ApiFetchInit = {}): Promise<Response> {
  const { authorization = sessionAuthorization(), keepSessionOn401 = false, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('X-Requested-With', 'aviary-ui');
  if (authorization) headers.set('Authorization', authorization);
  let response: Response;
  try {
    response = await fetch(url, { ...rest, headers });
  } catch (err) {
    if (rest.signal?.aborted) throw err;
    throw new ApiError(0, 'NETWORK_ERROR', `${rest.method ?? 'GET'} ${url} could not reach the server: ${(err as Error).message}`);
  }
  if (response.status === 401 && !keepSessionOn401) {
    forgetSessionAuthorization();
    window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
  }
  return response;
}

/** The server's `{error_code, message}` of a failed response as an ApiError (raw text when not JSON). */
export async function apiErrorOf(response: Response, what: string): Promise<ApiError> {
  const text = await response.text();
  let body: { error_code?: string; message?: string } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  return new ApiError(response.status, body?.error_code ?? `HTTP_${response.status}`, body?.message ?? (text.slice(0, 300) || `${what}: ${response.statusText}`));
}
