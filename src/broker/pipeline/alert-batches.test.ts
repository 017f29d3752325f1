import { describe, expect, it } from 'vitest';
import type { Alert } from '../alert.js';
import { alertBatches, type AlertBatch } from './alert-batches.js';

const alert = (i: number) => ({ alertId: BigInt(i) }) as unknown as Alert;

/** `count` alerts, `gapMs` apart: a live stream slower than a batch. */
async function* trickle(count: number, gapMs: number): AsyncGenerator<Alert> {
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    yield alert(i);
  }
}

async function collect(batches: AsyncIterable<AlertBatch>): Promise<AlertBatch[]> {
  const all: AlertBatch[] = [];
  for await (const b of batches) all.push(b);
  return all;
}

describe('alertBatches', () => {
  it('fills batches of the size asked when alerts come fast', async () => {
    const batches = await collect(alertBatches(trickle(25, 0), 10, 1000));
    expect(batches.map((b) => b.alerts.length)).toEqual([10, 10, 5]);
    expect(batches.map((b) => b.index)).toEqual([0, 1, 2]);
  });

  it('sends a partial batch once its first alert has waited the longest wait, losing and repeating none', async () => {
    const batches = await collect(alertBatches(trickle(12, 40), 1000, 150));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flatMap((b) => b.alerts.map((a) => Number(a.alertId)))).toEqual([...Array(12).keys()]);
    // Each batch covers about 150 ms of a 40 ms trickle: far fewer than the 1000 asked.
    for (const b of batches) expect(b.alerts.length).toBeLessThan(12);
  });

  it('waits for full batches without a longest wait', async () => {
    const batches = await collect(alertBatches(trickle(6, 20), 4));
    expect(batches.map((b) => b.alerts.length)).toEqual([4, 2]);
  });
});
