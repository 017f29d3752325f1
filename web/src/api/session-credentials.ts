/**
 * The credentials of this tab's session: the Authorization header value every API call carries
 * when the server runs with authentication.
 *
 * Kept in sessionStorage, never localStorage: sessionStorage belongs to this tab and is gone
 * when the tab closes, while localStorage would keep the password on disk and hand it to every
 * tab of the origin until someone signs out. Any script of the origin can read either; the
 * session lifetime limits how long a leaked credential is exposed.
 */
const KEY = 'aviary.authorization';

export function sessionAuthorization(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    // storage disabled (some privacy modes): behave as signed out
    return undefined;
  }
}

export function keepSessionAuthorization(authorization: string): void {
  sessionStorage.setItem(KEY, authorization);
}

export function forgetSessionAuthorization(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing was kept
  }
}

/** `Basic base64(username:password)`, UTF-8 encoded (btoa alone refuses characters beyond Latin-1). */
export function basicAuthorization(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
