/**
 * The runs of a search, fetched page by page from runs/search with its page tokens: the first
 * page when the query changes, the next when the table asks (`loadMore`). A query change drops
 * what an older query was still loading.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Run } from '../../api/entities.js';
import { searchRuns, type RunQuery } from '../../api/tracking-api.js';

const FIRST_PAGE = 100;
const NEXT_PAGES = 500;

export interface RunPages {
  runs: Run[];
  loading: boolean;
  error: unknown;
  complete: boolean;
  loadMore: () => void;
}

export function useRunPages(query: RunQuery): RunPages {
  const [runs, setRuns] = useState<Run[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [complete, setComplete] = useState(false);
  const cursor = useRef<{ token?: string; busy: boolean; controller: AbortController }>({ busy: false, controller: new AbortController() });

  const fetchPage = useCallback(
    (first: boolean) => {
      const state = cursor.current;
      if (state.busy) return;
      state.busy = true;
      setLoading(true);
      const { signal } = state.controller;
      searchRuns(query, first ? FIRST_PAGE : NEXT_PAGES, first ? undefined : state.token, signal).then(
        (page) => {
          if (signal.aborted) return;
          state.token = page.nextPageToken;
          state.busy = false;
          setRuns((previous) => (first ? page.items : [...previous, ...page.items]));
          setComplete(!page.nextPageToken);
          setLoading(false);
        },
        (err: unknown) => {
          if (signal.aborted) return;
          state.busy = false;
          setError(err);
          setLoading(false);
        },
      );
    },
    [query.experimentId, query.filter, query.orderBy],
  );

  useEffect(() => {
    cursor.current.controller.abort();
    cursor.current = { busy: false, controller: new AbortController() };
    setRuns([]);
    setError(undefined);
    setComplete(false);
    fetchPage(true);
    return () => cursor.current.controller.abort();
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    if (!complete && !error) fetchPage(false);
  }, [complete, error, fetchPage]);

  return { runs, loading, error, complete, loadMore };
}
