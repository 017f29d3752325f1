/**
 * The page to return to after signing in, from `/login?next=`: only a page of this site, so a
 * crafted link cannot send a user who just signed in to another origin (`//evil`, `https:`,
 * `/\evil`, which browsers read as another host).
 */
const HOME = '/experiments';
const PROBE = 'http://aviary.invalid';

export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/')) return HOME;
  let url: URL;
  try {
    url = new URL(next, PROBE);
  } catch {
    return HOME;
  }
  // The URL parser resolves what a browser would: backslashes, tabs, protocol-relative hosts.
  if (url.origin !== PROBE || url.pathname === '/login') return HOME;
  return url.pathname + url.search + url.hash;
}

/** The login page's URL that returns to `current` afterwards. */
export function loginUrl(current: string): string {
  const path = current.split('?')[0];
  return path === '/' || path === '/login' ? '/login' : `/login?${new URLSearchParams({ next: current }).toString()}`;
}
