/**
 * History routing: every page has a plain URL (/experiments/1?filter=...), served by the
 * server's fallback to index.html. `navigate` pushes a URL, `redirect` replaces it; `replaceQuery` rewrites the
 * current one's query (filter, order, columns) without adding a history entry.
 */
import { useSyncExternalStore } from 'react';

const CHANGE = 'aviary:navigate';

export function navigate(to: string): void {
  if (to === currentUrl()) return;
  history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

/** Replaces the current URL (no history entry): a redirect, such as to and from the login page. */
export function redirect(to: string): void {
  if (to === currentUrl()) return;
  history.replaceState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

export function replaceQuery(changes: Record<string, string | undefined>): void {
  const query = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') query.delete(key);
    else query.set(key, value);
  }
  const search = query.toString();
  history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
  window.dispatchEvent(new Event(CHANGE));
}

function currentUrl(): string {
  return location.pathname + location.search;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

/** The current path and query; re-renders on every navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const url = useSyncExternalStore(subscribe, currentUrl);
  const at = url.indexOf('?');
  return { path: at < 0 ? url : url.slice(0, at), query: new URLSearchParams(at < 0 ? '' : url.slice(at + 1)) };
}
