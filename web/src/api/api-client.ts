/**
 * Calls MLflow's REST API on the server that served this page. GET parameters go in the query
 * string (lists as repeated keys); others as a JSON body. Every failure becomes an ApiError
 * carrying the server's own message. Credentials and the UI's header are added by apiFetch.
 */
import { ApiError } from './api-error.js';
import { apiFetch } from './api-fetch.js';

export const API_BASE = '/api/2.0/mlflow';

type Params = Record<string, string | number | boolean | readonly string[] | undefined>;

export async function callApi<T>(method: 'GET' | 'POST' | 'DELETE', endpoint: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  let url = `${API_BASE}/${endpoint}`;
  const init: RequestInit = { method, signal, headers: {} };
  if (method === 'GET') {
    const query = toQuery(params);
    if (query) url += `?${query}`;
  } else {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(params);
  }
  const response = await apiFetch(url, init);
  const text = await response.text();
  const body = parseJson(text);
  if (!response.ok) {
    const error = body as { error_code?: string; message?: string } | undefined;
    throw new ApiError(response.status, error?.error_code ?? `HTTP_${response.status}`, error?.message ?? (text.slice(0, 300) || response.statusText));
  }
  if (body === undefined) throw new ApiError(response.status, 'BAD_RESPONSE', `${method} ${endpoint} answered something that is not JSON: ${text.slice(0, 200)}`);
  return body as T;
}

function toQuery(params: Params): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) query.append(key, v);
    else query.append(key, String(value));
  }
  return query.toString();
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
