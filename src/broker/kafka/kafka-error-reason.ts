/**
 * What went wrong in a Kafka client call, in one line. The client nests its errors (a retried
 * call holds each attempt's error, which holds the connection's, which holds the broker's
 * answer); the outer message alone says "metadata failed 4 times.", which tells an operator
 * nothing. The first chain of causes is followed to the broker's own words ("SASL
 * authentication failed"), each distinct message kept once.
 */
interface NestedError {
  readonly message?: unknown;
  readonly errors?: readonly unknown[];
  readonly cause?: unknown;
  readonly serverErrorMessage?: unknown;
}

/** Wrappers that repeat what their cause says. */
const NOISE = /^Received response with error while executing API/;

export function kafkaErrorReason(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 10; depth++) {
    const e = current as NestedError;
    const message = typeof e.message === 'string' ? e.message.trim().replace(/\.$/, '') : String(current);
    if (message && !NOISE.test(message) && !parts.includes(message)) parts.push(message);
    if (typeof e.serverErrorMessage === 'string' && e.serverErrorMessage && !parts.includes(e.serverErrorMessage)) parts.push(e.serverErrorMessage);
    current = e.errors?.[0] ?? e.cause;
  }
  return parts.join(': ') || 'unknown error';
}
