/**
 * A failure that may not happen again: a server briefly unreachable or overloaded. Whoever
 * retries on its own schedule (the broker's alias follower) tries again later; a failure that
 * would repeat itself (a missing model, a refused password) is not one.
 */
export class TransientError extends Error {
  readonly transient = true;
  override readonly name = 'TransientError';
}

/** True when `err`, or an error it was caused by, is transient. */
export function isTransient(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if ((e as { transient?: unknown }).transient === true) return true;
  }
  return false;
}
