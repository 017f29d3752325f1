/**
 * Alerts from Kafka topics, read in a consumer group: processes sharing a group share the
 * partitions, and a partition moves to another process when its reader dies or joins. Offsets
 * are committed only when the pipeline acknowledges what it read (stored and in every sink):
 * at-least-once delivery, which the idempotent store turns into exactly-once effect. A group
 * without committed offsets starts at the earliest or latest offset (`start`).
 *
 * The stream ends when the signal aborts, after `maxAlerts` alerts, or when no message has come
 * for `idleTimeoutMs`; without these it reads until stopped. The consumer stays in its group
 * until close(), so that the last batches can still be committed.
 */
import type { Consumer, Message } from '@platformatic/kafka';
import { clientOptions, describeConnection, type KafkaClientOptions } from '../../kafka/kafka-connection.js';
import { kafkaErrorReason } from '../../kafka/kafka-error-reason.js';
import { silentLogger, type Logger } from '../../../common/logger.js';
import type { AlertOrigin, AlertSource, AlertSourceItem } from '../alert-source.js';
import type { StreamPartitionStatus, StreamStatus } from '../stream-status.js';
import { valueFamily } from '../../../common/metrics/metric-family.js';
import type { HistogramMetric, MetricsRegistry } from '../../../common/metrics/metrics-registry.js';
import { readKafkaMessage, type MessageFormats } from './kafka-message.js';
import { PartitionProgress } from './partition-progress.js';
import type { KafkaSourceAddress } from './kafka-uri.js';

export interface KafkaSourceOptions {
  /** End the stream when no message has come for this long. */
  readonly idleTimeoutMs?: number;
  /** End the stream after this many alerts (dead letters not counted), at the end of a message. */
  readonly maxAlerts?: number;
  readonly formats?: MessageFormats;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

type Raw = Message<Buffer, Buffer, Buffer, Buffer>;

/** A message read and not yet committed: committed once every item it gave is acknowledged (a container may hold many alerts, spanning batches). */
interface Unacknowledged {
  readonly commit: () => unknown;
  /** Its items not yet acknowledged. */
  pending: number;
  /** The message's Kafka timestamp (ms): the stream's latency counts from it. */
  readonly timestampMs: number;
}

const SESSION_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 1_000;
/** How long the fetcher waits on an empty partition: also how soon an idle timeout is noticed. */
const MAX_WAIT_MS = 500;
/**
 * At most this much of one partition per fetch (the Java client's default): without it one
 * partition with a backlog fills every 10 MB answer and the others wait behind it (measured: a
 * 5-minute run's lag almost all in one partition, its p99 in minutes).
 */
const MAX_BYTES_PER_PARTITION = 1_048_576;
/** Seconds: Rubin's budget is 60 s from exposure to science. */
const KAFKA_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
/** How often the partitions' ends (for the lag) are listed. */
const ENDS_EVERY_MS = 2000;

export class KafkaAlertSource implements AlertSource {
  readonly description: string;
  readonly live = true;
  private consumer?: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private stream?: { close(): Promise<void> };
  /** Per "topic/partition", the messages read and not yet committed, by offset (in read order). */
  private readonly unacknowledged = new Map<string, Map<string, Unacknowledged>>();
  /** Per "topic/partition", the offset after the last message whose items were all acknowledged here (committed or not). */
  private readonly doneBelow = new Map<string, bigint>();
  private readonly logger: Logger;
  private joins = 0;
  private markJoined!: () => void;
  /** Resolves at the first group join. */
  private readonly joined = new Promise<void>((resolve) => (this.markJoined = resolve));
  private readonly progress = new PartitionProgress();
  private kafkaLatency?: HistogramMetric;
  private endsTimer?: NodeJS.Timeout;

  constructor(
    private readonly address: KafkaSourceAddress,
    private readonly options: KafkaSourceOptions = {},
  ) {
    const topics = address.pattern !== undefined ? `topics matching ${address.pattern}` : `topic${address.topics.length > 1 ? 's' : ''} ${address.topics.join(', ')}`;
    this.description = `Kafka ${topics} at ${describeConnection(address)} (group ${address.group})`;
    this.logger = options.logger ?? silentLogger;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<AlertSourceItem> {
    const { servers, group, start } = this.address;
    // Loaded on first use: every other command starts without the Kafka client.
    const kafka = await import('@platformatic/kafka');
    const client = clientOptions(this.address);
    const topics = await this.topicsToRead(kafka, client).catch(this.failure('list the topics of'));
    const consumer = new kafka.Consumer<Buffer, Buffer, Buffer, Buffer>({ ...client, groupId: group, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: HEARTBEAT_MS });
    this.consumer = consumer;
    consumer.on('consumer:group:join', (event: { assignments?: readonly { topic: string; partitions: readonly number[] }[] }) => {
      this.joins++;
      this.markJoined();
      const parts = (event.assignments ?? []).map((a) => `${a.topic} [${a.partitions.join(',')}]`).join(', ') || 'none';
      this.progress.assign(event.assignments ?? []);
      // A join after the first is a rebalance: the group reads again from the last commit; what this process still holds is skipped (alreadyHeld).
      this.logger.info(`Kafka: ${this.joins === 1 ? 'joined' : 'rejoined'} group ${group}, partitions ${parts}`);
    });
    const stream = await consumer.consume({ autocommit: false, topics, mode: 'committed', fallbackMode: start, maxWaitTime: MAX_WAIT_MS, maxBytesPerPartition: MAX_BYTES_PER_PARTITION }).catch(this.failure('join group ' + group + ' at'));
    this.stream = stream;
    this.endsTimer = setInterval(() => void this.refreshOffsets(consumer), ENDS_EVERY_MS);
    this.endsTimer.unref();
    const messages = stream[Symbol.asyncIterator]() as AsyncIterator<Raw>;
    const serverList = servers.join(',');
    let alerts = 0;
    try {
      for (;;) {
        if (this.options.signal?.aborted) return;
        const next = await this.nextMessage(messages);
        if (next === undefined || next.done) return;
        const message = next.value;
        if (this.alreadyHeld(message)) continue;
        // A message's items are all known before the first is handed out: it is committed once every one is acknowledged.
        const items: AlertSourceItem[] = [];
        for await (const item of readKafkaMessage(message, serverList, this.options.formats)) items.push(item);
        this.remember(message, items.length);
        for (const item of items) {
          yield item;
          if (item.kind === 'alert') alerts++;
        }
        // At a message's end only: a message is committed whole or not at all.
        if (this.options.maxAlerts !== undefined && alerts >= this.options.maxAlerts) return;
      }
    } finally {
      // Fetching stops; the consumer stays in its group until close(), for the last commits.
      await stream.close().catch(() => {});
      // The ends as the run ends, for the final status.
      await this.refreshOffsets(consumer);
    }
  }

  /** A rethrow naming what failed and where, with the client's own reason. */
  private failure(doing: string): (err: unknown) => never {
    return (err) => {
      throw new Error(`cannot ${doing} Kafka at ${describeConnection(this.address)}: ${kafkaErrorReason(err)}`);
    };
  }

  /** The topics named, or those whose whole name matches the pattern now. */
  private async topicsToRead(kafka: typeof import('@platformatic/kafka'), client: KafkaClientOptions): Promise<string[]> {
    const { topics, pattern, servers } = this.address;
    if (pattern === undefined) return [...topics];
    const admin = new kafka.Admin(client);
    try {
      const matcher = new RegExp(`^(?:${pattern})$`);
      const all = await admin.listTopics();
      const matched = all.filter((t) => matcher.test(t) && !t.startsWith('__')).sort();
      if (matched.length === 0) throw new Error(`no topic at ${servers.join(',')} matches the pattern ${pattern} (topics there: ${all.filter((t) => !t.startsWith('__')).slice(0, 20).join(', ') || 'none'})`);
      this.logger.info(`Kafka: reading ${matched.length} topic${matched.length > 1 ? 's' : ''} matching ${pattern}: ${matched.join(', ')}`);
      return matched;
    } finally {
      await admin.close().catch(() => {});
    }
  }

  /** How many times this reader joined its group: more than once means a rebalance, after which uncommitted messages are read again. */
  get groupJoins(): number {
    return this.joins;
  }

  /** Commits, per partition, the offset after the last message whose items are all acknowledged. */
  async acknowledge(origins: readonly AlertOrigin[]): Promise<void> {
    const touched = new Set<string>();
    for (const origin of origins) {
      if (!origin.kafka) continue;
      const key = `${origin.kafka.topic}/${origin.kafka.partition}`;
      const entry = this.unacknowledged.get(key)?.get(origin.kafka.offset);
      if (!entry) continue;
      entry.pending--;
      this.progress.done(origin.kafka.topic, origin.kafka.partition, entry.timestampMs);
      if (entry.timestampMs > 0) this.kafkaLatency?.observe(Math.max(0, Date.now() - entry.timestampMs) / 1000);
      touched.add(key);
    }
    await Promise.all([...touched].map((key) => this.commitDone(key)));
  }

  /** Batches are delivered in read order, so the messages done form a prefix of the partition's. */
  private async commitDone(key: string): Promise<void> {
    const byOffset = this.unacknowledged.get(key)!;
    let last: { offset: string; entry: Unacknowledged } | undefined;
    for (const [offset, entry] of byOffset) {
      if (entry.pending > 0) break;
      last = { offset, entry };
    }
    if (!last) return;
    for (const offset of [...byOffset.keys()]) {
      byOffset.delete(offset);
      if (offset === last.offset) break;
    }
    this.doneBelow.set(key, BigInt(last.offset) + 1n);
    try {
      await last.entry.commit();
      const slash = key.lastIndexOf('/');
      this.progress.committed(key.slice(0, slash), Number(key.slice(slash + 1)), BigInt(last.offset) + 1n);
    } catch (err) {
      // The partition moved to another reader (a rebalance): it reads these again, and the store keeps them once.
      this.logger.warn(`Kafka: could not commit ${key} after offset ${last.offset}: ${(err as Error).message}`);
    }
  }

  status(): StreamStatus {
    return this.progress.status();
  }

  /** Per partition: the committed offset, the end, the lag and alerts done; and the latency from the Kafka timestamp as a histogram. */
  registerMetrics(registry: MetricsRegistry): void {
    this.kafkaLatency = registry.histogram('aviary_source_kafka_latency_seconds', "From a message's Kafka timestamp to its alerts stored and in every output.", [], KAFKA_LATENCY_BUCKETS);
    registry.collect(() => {
      const partitions = this.progress.status().partitions;
      const labelled = (value: (p: StreamPartitionStatus) => number | null) =>
        partitions.flatMap((p) => {
          const v = value(p);
          return v === null ? [] : [{ labels: { topic: p.topic, partition: String(p.partition) }, value: v }];
        });
      return [
        valueFamily('gauge', 'aviary_source_kafka_committed_offset', 'The next offset a restart reads, per partition this process reads.', labelled((p) => (p.committedOffset === null ? null : Number(p.committedOffset)))),
        valueFamily('gauge', 'aviary_source_kafka_end_offset', "The partition's end (high watermark) when last listed.", labelled((p) => (p.endOffset === null ? null : Number(p.endOffset)))),
        valueFamily('gauge', 'aviary_source_kafka_lag', 'Messages not yet committed: end - committed offset.', labelled((p) => p.lag)),
        valueFamily('counter', 'aviary_source_kafka_alerts_total', 'Alerts of each partition done (stored or dead-lettered).', labelled((p) => p.alertsStored)),
        valueFamily('counter', 'aviary_source_kafka_group_joins_total', 'Times this process joined its consumer group (more than one: rebalances).', [{ labels: {}, value: this.joins }]),
      ];
    });
  }

  async close(): Promise<void> {
    clearInterval(this.endsTimer);
    await this.stream?.close().catch(() => {});
    if (this.consumer) await this.consumer.close().catch(() => {});
    this.unacknowledged.clear();
  }

  /**
   * A message read again after a rebalance gave its partition back to this process (the group
   * re-reads from the last commit): one still in the pipeline is committed when it is delivered,
   * and one already delivered was committed or, if that commit was refused by the rebalance, is
   * committed again now (at the last such one, which covers those before it). Neither is handed
   * out twice: outputs would carry it twice.
   */
  private alreadyHeld(message: Raw): boolean {
    const key = `${message.topic}/${message.partition}`;
    if (this.unacknowledged.get(key)?.has(message.offset.toString())) return true;
    const done = this.doneBelow.get(key);
    if (done === undefined || message.offset >= done) return false;
    if (message.offset + 1n === done) {
      void Promise.resolve()
        .then(() => message.commit())
        .then(
          () => this.progress.committed(message.topic, message.partition, done),
          (err: unknown) => this.logger.warn(`Kafka: could not commit ${key} after offset ${message.offset}: ${kafkaErrorReason(err)}`),
        );
    }
    return true;
  }

  private remember(message: Raw, items: number): void {
    const key = `${message.topic}/${message.partition}`;
    let byOffset = this.unacknowledged.get(key);
    if (!byOffset) this.unacknowledged.set(key, (byOffset = new Map()));
    byOffset.set(message.offset.toString(), { commit: () => message.commit(), pending: items, timestampMs: Number(message.timestamp) });
  }

  /**
   * The partitions' ends and the group's committed offsets, for the lag; a failure waits for the
   * next tick. The group's offsets are asked every time: a partition that came from another reader
   * may have been committed by it after this one first asked.
   */
  private async refreshOffsets(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    const assigned = this.progress.topicPartitions();
    if (assigned.size === 0) return;
    try {
      const ends = await consumer.listOffsets({ topics: [...assigned.keys()] });
      for (const [topic, offsets] of ends) this.progress.ends(topic, offsets);
      const commits = await consumer.listCommittedOffsets({ topics: [...assigned].map(([topic, partitions]) => ({ topic, partitions })) });
      for (const [topic, offsets] of commits) offsets.forEach((offset, partition) => offset >= 0n && assigned.get(topic)?.includes(partition) && this.progress.committed(topic, partition, offset));
    } catch (err) {
      this.logger.warn(`Kafka: could not list the partitions' offsets: ${kafkaErrorReason(err)}`);
    }
  }

  /** The next message, or undefined when none came within the idle timeout (or the signal aborted). */
  private async nextMessage(messages: AsyncIterator<Raw>): Promise<IteratorResult<Raw> | undefined> {
    const waits: Promise<undefined>[] = [];
    let timer: NodeJS.Timeout | undefined;
    // Idle counts from the group's first join: joining (a cluster may hold a new group for seconds) is not a quiet stream.
    let stopped = false;
    if (this.options.idleTimeoutMs !== undefined) {
      const idleMs = this.options.idleTimeoutMs;
      waits.push(this.joined.then(() => new Promise<undefined>((resolve) => !stopped && (timer = setTimeout(() => resolve(undefined), idleMs)))));
    }
    let onAbort: (() => void) | undefined;
    if (this.options.signal) waits.push(new Promise((resolve) => this.options.signal!.addEventListener('abort', (onAbort = () => resolve(undefined)), { once: true })));
    const next = messages.next();
    next.catch(() => {}); // lost the race to a timeout: its end (the stream closed) is nobody's error
    try {
      return await Promise.race([next, ...waits]);
    } finally {
      stopped = true;
      clearTimeout(timer);
      if (onAbort) this.options.signal!.removeEventListener('abort', onAbort);
    }
  }
}
