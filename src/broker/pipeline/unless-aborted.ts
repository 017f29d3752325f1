/**
 * Waits for a step unless the signal stops the run first: then it throws at once, and whatever
 * the step still produces is handed to `dispose` (modules that finish loading after Ctrl-C are
 * closed, not leaked).
 */
export async function unlessAborted<T>(step: Promise<T>, signal: AbortSignal | undefined, what: string, dispose: (late: T) => Promise<unknown>): Promise<T> {
  if (!signal) return step;
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new RunInterrupted(`stopped while ${what}`));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([step, aborted]);
  } catch (err) {
    if (err instanceof RunInterrupted) void step.then(dispose, () => undefined);
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    aborted.catch(() => undefined);
  }
}

/** The run was stopped (Ctrl-C) before it could read alerts: nothing failed. */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
}
