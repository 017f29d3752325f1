/**
 * What a Kafka source knows of each partition it reads, for the stream's status: alerts done
 * (stored or dead-lettered) and how fast, the offset committed, the partition's end as last
 * listed (so the lag), and the latency from each message's Kafka timestamp to done.
 */
import { LatencyHistogram } from '../../pipeline/latency-histogram.js';
import type { StreamPartitionStatus, StreamStatus } from '../stream-status.js';

/** alerts/s is measured over this many recent seconds. */
const RATE_WINDOW_S = 10;

interface Partition {
  readonly topic: string;
  readonly partition: number;
  /** In this process's latest assignment: a rebalance may move it to another reader. */
  assigned: boolean;
  committed: bigint | null;
  end: bigint | null;
  done: number;
  /** Alerts done per whole second (epoch seconds), the last RATE_WINDOW_S of them. */
  readonly perSecond: Map<number, number>;
}

export class PartitionProgress {
  private readonly partitions = new Map<string, Partition>();
  private readonly latency = new LatencyHistogram();
  private readonly startedAt = Date.now();

  /** `timestampMs`: the message's Kafka timestamp. */
  done(topic: string, partition: number, timestampMs: number, now = Date.now()): void {
    const p = this.entry(topic, partition);
    p.done++;
    const second = Math.floor(now / 1000);
    p.perSecond.set(second, (p.perSecond.get(second) ?? 0) + 1);
    if (p.perSecond.size > RATE_WINDOW_S + 1) for (const s of p.perSecond.keys()) if (s <= second - RATE_WINDOW_S) p.perSecond.delete(s);
    if (timestampMs > 0) this.latency.record(Math.max(0, now - timestampMs));
  }

  committed(topic: string, partition: number, nextOffset: bigint): void {
    const p = this.entry(topic, partition);
    // Commits of one partition can finish out of order; the offset only moves on.
    if (p.committed === null || nextOffset > p.committed) p.committed = nextOffset;
  }

  /** The partitions this process reads since its latest group join; the others are left out of the status (another reader has them now). */
  assign(assignment: readonly { topic: string; partitions: readonly number[] }[]): void {
    const before = new Set([...this.partitions.values()].filter((p) => p.assigned));
    for (const p of this.partitions.values()) p.assigned = false;
    for (const { topic, partitions } of assignment) {
      for (const partition of partitions) {
        const p = this.entry(topic, partition);
        // Back from another reader: its committed offset moved meanwhile; the group's is asked again.
        if (!before.has(p)) p.committed = null;
        p.assigned = true;
      }
    }
  }

  ends(topic: string, ends: readonly bigint[]): void {
    ends.forEach((end, partition) => {
      const p = this.partitions.get(`${topic}/${partition}`);
      if (p) p.end = end;
    });
  }

  topicPartitions(which: (p: Partition) => boolean = (p) => p.assigned): Map<string, number[]> {
    const byTopic = new Map<string, number[]>();
    for (const p of this.partitions.values()) if (which(p)) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    return byTopic;
  }

  status(now = Date.now()): StreamStatus {
    const second = Math.floor(now / 1000);
    const window = Math.max(1, Math.min(RATE_WINDOW_S, (now - this.startedAt) / 1000));
    const partitions: StreamPartitionStatus[] = [...this.partitions.values()]
      .filter((p) => p.assigned)
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
      .map((p) => {
        let recent = 0;
        for (const [s, n] of p.perSecond) if (s > second - RATE_WINDOW_S && s <= second) recent += n;
        const lag = p.end !== null && p.committed !== null ? Number(p.end > p.committed ? p.end - p.committed : 0n) : null;
        return {
          topic: p.topic,
          partition: p.partition,
          committedOffset: p.committed?.toString() ?? null,
          endOffset: p.end?.toString() ?? null,
          lag,
          alertsStored: p.done,
          alertsPerSecond: Math.round((recent / window) * 10) / 10,
        };
      });
    const latency = this.latency.count > 0 ? { latencyMs: { p50: round(this.latency.percentile(0.5)), p99: round(this.latency.percentile(0.99)), count: this.latency.count } } : {};
    return { partitions, ...latency };
  }

  private entry(topic: string, partition: number): Partition {
    const key = `${topic}/${partition}`;
    let p = this.partitions.get(key);
    // A partition first met in an acknowledgement was assigned to this process when its message was read.
    if (!p) this.partitions.set(key, (p = { topic, partition, assigned: true, committed: null, end: null, done: 0, perSecond: new Map() }));
    return p;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
