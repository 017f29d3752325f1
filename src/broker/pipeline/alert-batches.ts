/**
 * Alerts grouped into pipeline batches of `size`, each alert stamped with when it was read (for
 * the latency from read to stored). Source dead letters ride with the batch they arrived in, and
 * count towards its size, so a file of nothing but failures still moves in bounded batches.
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

export async function* alertBatches(items: AsyncIterable<Alert | DeadLetter>, size: number): AsyncGenerator<AlertBatch> {
  let index = 0;
  let alerts: Alert[] = [];
  let readAt: number[] = [];
  let deadLetters: DeadLetter[] = [];
  let decodeMs = 0;
  const iterator = items[Symbol.asyncIterator]();
  try {
    for (;;) {
      const started = performance.now();
      const next = await iterator.next();
      const now = performance.now();
      decodeMs += now - started;
      if (next.done) break;
      if (isDeadLetter(next.value)) deadLetters.push(next.value);
      else {
        alerts.push(next.value);
        readAt.push(now);
      }
      if (alerts.length + deadLetters.length >= size) {
        yield { index: index++, alerts, readAt, deadLetters, decodeMs };
        [alerts, readAt, deadLetters, decodeMs] = [[], [], [], 0];
      }
    }
    if (alerts.length + deadLetters.length > 0) yield { index: index++, alerts, readAt, deadLetters, decodeMs };
  } finally {
    await iterator.return?.();
  }
}
