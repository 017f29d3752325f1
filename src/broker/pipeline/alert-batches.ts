/**
 * Alerts grouped into pipeline batches of `size`, each alert stamped with when it was read (for
 * the latency from read to stored). Source dead letters ride with the batch they arrived in, and
 * count towards its size, so a file of nothing but failures still moves in bounded batches.
 *
 * A batch also goes once its first alert has waited `maxWaitMs`, full or not: on a live stream
 * slower than a batch a second (300 alerts/s with batches of 1000), alerts would otherwise wait
 * for others to arrive; files fill batches long before.
 */
import type { Alert } from '../alert.js';
import { isDeadLetter } from '../read-alerts.js';
import type { DeadLetter } from '../sources/alert-source.js';

export interface AlertBatch {
  /** 0, 1, 2...: the order batches are stored in. */
  readonly index: number;
  readonly alerts: readonly Alert[];
  /** performance.now() when each alert was read. */
  readonly readAt: readonly number[];
  readonly deadLetters: readonly DeadLetter[];
  /** Milliseconds spent waiting on the source for this batch (decoding included). */
  readonly decodeMs: number;
}

const TIMED_OUT = Symbol('timed out');

export async function* alertBatches(items: AsyncIterable<Alert | DeadLetter>, size: number, maxWaitMs?: number): AsyncGenerator<AlertBatch> {
  let index = 0;
  let alerts: Alert[] = [];
  let readAt: number[] = [];
  let deadLetters: DeadLetter[] = [];
  let decodeMs = 0;
  const iterator = items[Symbol.asyncIterator]();
  /** A read not answered before the batch's time ran out: the next batch awaits it. */
  let pending: Promise<IteratorResult<Alert | DeadLetter>> | undefined;
  /** Resolves when the open batch's first alert has waited maxWaitMs. */
  let deadline: { promise: Promise<typeof TIMED_OUT>; timer: NodeJS.Timeout } | undefined;
  const clearDeadline = () => {
    if (deadline) clearTimeout(deadline.timer);
    deadline = undefined;
  };
  try {
    for (;;) {
      const started = performance.now();
      const read = pending ?? iterator.next();
      pending = undefined;
      const next = deadline ? await Promise.race([read, deadline.promise]) : await read;
      const now = performance.now();
      decodeMs += now - started;
      if (next === TIMED_OUT) {
        pending = read;
        clearDeadline();
        yield { index: index++, alerts, readAt, deadLetters, decodeMs };
        [alerts, readAt, deadLetters, decodeMs] = [[], [], [], 0];
        continue;
      }
      if (next.done) break;
      if (maxWaitMs !== undefined && maxWaitMs > 0 && !deadline && alerts.length + deadLetters.length === 0) {
        let timer!: NodeJS.Timeout;
        const promise = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), maxWaitMs)));
        deadline = { promise, timer };
      }
      if (isDeadLetter(next.value)) deadLetters.push(next.value);
      else {
        alerts.push(next.value);
        readAt.push(now);
      }
      if (alerts.length + deadLetters.length >= size) {
        clearDeadline();
        yield { index: index++, alerts, readAt, deadLetters, decodeMs };
        [alerts, readAt, deadLetters, decodeMs] = [[], [], [], 0];
      }
    }
    if (alerts.length + deadLetters.length > 0) yield { index: index++, alerts, readAt, deadLetters, decodeMs };
  } finally {
    clearDeadline();
    if (pending) {
      // A read still waits on the source (a quiet stream): the source ends after it answers, which
      // its close() brings about; waiting here would hold the run until the next message.
      pending.catch(() => {});
      void iterator.return?.()?.catch(() => {});
    } else await iterator.return?.();
  }
}
