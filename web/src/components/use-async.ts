import { useEffect, useState } from 'react';

export type AsyncState<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'done'; value: T };

/**
 * Runs `load` when `key` changes, aborting the previous call; a stale answer never overwrites
 * a newer one. `reload()` runs it again for the same key.
 */
export function useAsync<T>(key: string, load: (signal: AbortSignal) => Promise<T>): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => (s.status === 'done' && generation > 0 ? s : { status: 'loading' }));
    load(controller.signal).then(
      (value) => controller.signal.aborted || setState({ status: 'done', value }),
      (error: unknown) => controller.signal.aborted || setState({ status: 'error', error }),
    );
    return () => controller.abort();
    // `load` is a new closure on every render; `key` names what it loads.
  }, [key, generation]);
  return [state, () => setGeneration((g) => g + 1)];
}
