import { useState } from 'react';

/**
 * A change sent to the server from a button: `pending` while it runs, its error kept for
 * display, `then` called (to reload) when it succeeded.
 */
export function useAction(then: () => void) {
  const [pending, setPending] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const run = (label: string, action: () => Promise<unknown>) => {
    setPending(label);
    setError(undefined);
    action().then(
      () => {
        setPending(undefined);
        then();
      },
      (err: unknown) => {
        setPending(undefined);
        setError(err);
      },
    );
  };
  return { pending, error, run };
}
