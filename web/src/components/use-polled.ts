import { useEffect, useState } from 'react';

export const POLL_MS = 2000;

export interface PolledState<T> {
  readonly value?: T;
  readonly error?: unknown;
  /** True while `isLive` holds for the latest value: it is read again every POLL_MS. */
  readonly live: boolean;
}

/**
 * Reads `read` when `key` changes or `reload()` is called, then again every POLL_MS while
 * `isLive(value)` holds, and no more once it does not. A failed read is shown and, while live,
 * tried again at the next tick; the last value stays shown meanwhile.
 */
export function usePolled<T>(key: string, read: (signal: AbortSignal) => Promise<T>, isLive: (value: T) => boolean): PolledState<T> & { reload: () => void } {
  const [state, setState] = useState<PolledState<T>>({ live: false });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasLive = false;
    const tick = async () => {
      try {
        const value = await read(signal);
        if (signal.aborted) return;
        wasLive = isLive(value);
        setState({ value, live: wasLive });
      } catch (error) {
        if (signal.aborted) return;
        setState((s) => ({ ...s, error, live: wasLive }));
      }
      if (wasLive) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
    // `read` and `isLive` are new closures on every render; `key` names what they read.
  }, [key, generation]);
  return { ...state, reload: () => setGeneration((g) => g + 1) };
}
