/**
 * The Kafka side of bench/kafka/pipeline.ts: the alerts as messages, topics, publishing at a
 * rate, and a consumer group's lag read from outside the broker.
 *
 * Messages are simulated once and kept in memory with their Avro bodies, then published by the
 * project's own KafkaPublisher (what `aviary replay --rate` and `aviary simulate --to` use: the
 * same batching, rate keeping, partitioning by objectId and acks). The CLI publishers decode and
 * re-encode (replay) or simulate (simulate --to) every alert, 1.3-1.9 ms of CPU each on this
 * machine's cores: on 2 cores they would take the CPU the broker is being measured on.
 */
import { Admin, Consumer } from '@platformatic/kafka';
import { AlertMessageEncoder, type OutgoingAlert } from '../../src/broker/kafka/alert-message-encoder.js';
import { KafkaPublisher } from '../../src/broker/publish/kafka-publisher.js';
import { parseKafkaSinkUri } from '../../src/broker/sinks/kafka/kafka-sink-address.js';
import { alertSchemaText, simulateAlerts } from '../../src/broker/simulate/simulate-alerts.js';

/** The encoder takes a simulated alert's body as it is: no payload is needed. */
const NO_PAYLOAD = Object.freeze({});

/** The alerts `aviary simulate --survey ztf --n <n> --seed <seed>` writes, in order, as messages to publish. */
export function simulatedMessages(n: number, seed: number): OutgoingAlert[] {
  const schemaText = alertSchemaText('ztf');
  const messages: OutgoingAlert[] = [];
  for (const alert of simulateAlerts({ survey: 'ztf', n, seed })) {
    messages.push({ payload: NO_PAYLOAD, schemaText, survey: 'ztf', objectId: String(alert.objectId), body: alert.body });
  }
  return messages;
}

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'bench-pipeline', bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** A trial's topic holds gigabytes: removed once measured. */
export async function deleteTopic(bootstrap: string, topic: string): Promise<void> {
  const admin = new Admin({ clientId: 'bench-pipeline', bootstrapBrokers: [bootstrap] });
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.close();
  }
}

export interface Published {
  readonly sent: number;
  readonly seconds: number;
  readonly alertsPerSecond: number;
  /** Date.now() at the first send and after the last. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/** `total` messages (the set repeated as needed) to `topic`, at `rate` alerts/s or as fast as Kafka takes them. */
export async function publish(bootstrap: string, topic: string, messages: readonly OutgoingAlert[], total: number, rate?: number): Promise<Published> {
  const publisher = await KafkaPublisher.open(parseKafkaSinkUri(`kafka://${bootstrap}/${topic}`));
  async function* repeated(): AsyncGenerator<OutgoingAlert> {
    for (let i = 0; i < total; i++) yield messages[i % messages.length]!;
  }
  try {
    const startedAt = Date.now();
    const sent = await publisher.publish(repeated(), new AlertMessageEncoder('auto', topic), rate === undefined ? {} : { ratePerSecond: rate });
    return { ...sent, startedAt, endedAt: Date.now() };
  } finally {
    await publisher.close();
  }
}

export interface LagSample {
  /** Date.now() */
  readonly at: number;
  /** Messages of the topic not yet committed by the group, summed over partitions. */
  readonly lag: number;
  /** The largest of one partition: a partition left behind shows here, not in the sum. */
  readonly largestPartitionLag: number;
}

/** Samples a group's lag on a topic every `everyMs`, as any Kafka tool would: the partitions' ends minus the group's committed offsets. */
export class LagSampler {
  readonly samples: LagSample[] = [];
  private readonly consumer: Consumer;
  private timer?: NodeJS.Timeout;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    bootstrap: string,
    private readonly topic: string,
    group: string,
    private readonly partitions: number,
  ) {
    // Never consumes, so never joins the group: it only reads the group's offsets.
    this.consumer = new Consumer({ clientId: 'bench-pipeline-lag', groupId: group, bootstrapBrokers: [bootstrap] });
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => {
      this.pending = this.pending.then(async () => {
        await this.sample().catch(() => {}); // a missed sample is no failure: the next one comes
      });
    }, everyMs);
  }

  /** The lag now (also recorded). */
  async sample(): Promise<number> {
    const ends = (await this.consumer.listOffsets({ topics: [this.topic] })).get(this.topic) ?? [];
    const partitions = Array.from({ length: this.partitions }, (_, i) => i);
    const committed = (await this.consumer.listCommittedOffsets({ topics: [{ topic: this.topic, partitions }] })).get(this.topic) ?? [];
    // No commit yet (-1): the group reads from the start, offset 0.
    const lags = ends.map((end, p) => Number(end - (committed[p] !== undefined && committed[p]! > 0n ? committed[p]! : 0n)));
    const lag = lags.reduce((a, b) => a + b, 0);
    this.samples.push({ at: Date.now(), lag, largestPartitionLag: Math.max(0, ...lags) });
    return lag;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pending.catch(() => {});
    await this.consumer.close();
  }
}

/**
 * The lag's trend, alerts/s, by least squares over the samples in [from, to]: near 0 when the
 * broker keeps up (the lag saws up and down by the batches in flight), the shortfall when not.
 */
export function lagSlope(samples: readonly LagSample[], from: number, to: number): number {
  const points = samples.filter((s) => s.at >= from && s.at <= to);
  if (points.length < 3) return 0;
  const mx = points.reduce((a, s) => a + s.at, 0) / points.length;
  const my = points.reduce((a, s) => a + s.lag, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const s of points) {
    num += (s.at - mx) * (s.lag - my);
    den += (s.at - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}
