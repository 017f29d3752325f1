/**
 * A list read a page at a time with page tokens: the first page on mount, the next on
 * `loadMore()`. Errors are kept and shown by the caller.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api/entities.js';

export function usePagedList<T>(load: (pageToken: string | undefined, signal: AbortSignal) => Promise<Page<T>>) {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const controller = useRef(new AbortController());

  const fetchPage = useCallback((token: string | undefined) => {
    const { signal } = controller.current;
    setLoading(true);
    load(token, signal).then(
      (page) => {
        if (signal.aborted) return;
        setItems((previous) => (token ? [...previous, ...page.items] : page.items));
        setNext(page.nextPageToken);
        setLoading(false);
      },
      (err: unknown) => {
        if (signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    // The loader is fixed for the component's life.
  }, []);

  useEffect(() => {
    controller.current = new AbortController();
    fetchPage(undefined);
    return () => controller.current.abort();
  }, [fetchPage]);

  return { items, loading, error, hasMore: next !== undefined, loadMore: () => fetchPage(next) };
}
