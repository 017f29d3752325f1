/**
 * Aviary's authentication API (/api/aviary/auth): who the session's credentials belong to, with
 * their permissions, and the signed-in user's access tokens.
 */
import { apiErrorOf, apiFetch } from './api-fetch.js';

export type Permission = 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';

export interface AuthUser {
  readonly username: string;
  readonly is_admin: boolean;
  readonly experiment_permissions: readonly { experiment_id: string; permission: Permission }[];
  readonly registered_model_permissions: readonly { name: string; permission: Permission }[];
}

/** What whoami answers: authentication off, or the signed-in user. */
export type WhoAmI = { readonly auth: false } | { readonly auth: true; readonly user: AuthUser; readonly default_permission: Permission; readonly public_alerts: boolean };

/** whoami's answer, or 'unauthenticated' when the server wants (other) credentials. */
export type WhoAmIResult = WhoAmI | 'unauthenticated';

const AUTH_API = '/api/aviary/auth';

/**
 * Calls whoami with the session's credentials, or with `authorization` (the login form checks
 * them before keeping them). A server without the endpoint (404) has no authentication.
 */
export async function whoAmI(authorization?: string, signal?: AbortSignal): Promise<WhoAmIResult> {
  const response = await apiFetch(`${AUTH_API}/whoami`, { signal, keepSessionOn401: true, ...(authorization !== undefined && { authorization }) });
  if (response.status === 401) return 'unauthenticated';
  if (response.status === 404) return { auth: false };
  if (!response.ok) throw await apiErrorOf(response, 'GET whoami');
  const body = (await response.json()) as WhoAmI;
  return body.auth ? body : { auth: false };
}

export interface AccessToken {
  readonly id: string;
  readonly name: string;
  readonly created_at: string | number;
  readonly expires_at?: string | number | null;
}

export async function listTokens(signal?: AbortSignal): Promise<AccessToken[]> {
  return (await authCall<{ tokens?: AccessToken[] }>('GET', 'tokens', undefined, signal)).tokens ?? [];
}

/** A new token and its secret, which the server shows only this once. */
export async function createToken(name: string, expiresInDays?: number): Promise<{ token: AccessToken; secret: string }> {
  return authCall('POST', 'tokens', { name, ...(expiresInDays !== undefined && { expires_in_days: expiresInDays }) });
}

export async function revokeToken(id: string): Promise<void> {
  await authCall('DELETE', `tokens/${encodeURIComponent(id)}`);
}

async function authCall<T>(method: 'GET' | 'POST' | 'DELETE', endpoint: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await apiFetch(`${AUTH_API}/${endpoint}`, {
    method,
    signal,
    ...(body !== undefined && { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw await apiErrorOf(response, `${method} ${endpoint}`);
  const text = await response.text();
  return (text.trim() ? JSON.parse(text) : {}) as T;
}
