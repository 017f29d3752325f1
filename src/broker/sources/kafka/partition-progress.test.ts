import { describe, expect, it } from 'vitest';
import { PartitionProgress } from './partition-progress.js';

describe('PartitionProgress', () => {
  it('reports the assigned partitions: committed offset, end, lag, alerts and alerts/s, and the latency from the Kafka timestamp', () => {
    const progress = new PartitionProgress();
    progress.assign([{ topic: 't', partitions: [1, 0] }]);
    const now = Date.now();
    for (let i = 0; i < 4; i++) progress.done('t', 0, now - 2000, now);
    progress.committed('t', 0, 4n);
    progress.committed('t', 0, 3n); // a late commit of an earlier batch never moves it back
    progress.ends('t', [10n, 7n]);
    const status = progress.status(now);
    expect(status.partitions.map((p) => [p.partition, p.committedOffset, p.endOffset, p.lag, p.alertsStored])).toEqual([
      [0, '4', '10', 6, 4],
      [1, null, '7', null, 0],
    ]);
    expect(status.partitions[0]!.alertsPerSecond).toBeGreaterThan(0);
    expect(status.latencyMs).toMatchObject({ count: 4 });
    expect(status.latencyMs!.p50).toBeGreaterThan(1900);
  });

  it('leaves out partitions a rebalance moved away, and lists the committed offset again of one that comes back', () => {
    const progress = new PartitionProgress();
    progress.assign([{ topic: 't', partitions: [0, 1] }]);
    progress.committed('t', 0, 5n);
    progress.committed('t', 1, 5n);
    progress.assign([{ topic: 't', partitions: [1] }]);
    expect(progress.status().partitions.map((p) => p.partition)).toEqual([1]);
    progress.assign([{ topic: 't', partitions: [0, 1] }]);
    expect(progress.status().partitions.map((p) => [p.partition, p.committedOffset])).toEqual([
      [0, null],
      [1, '5'],
    ]);
    expect([...progress.topicPartitions()]).toEqual([['t', [0, 1]]]);
  });
});
