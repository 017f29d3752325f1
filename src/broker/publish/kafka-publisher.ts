/**
 * Publishes alerts to a Kafka topic at a steady rate, for demos and load tests (`aviary
 * replay`, `aviary simulate --to`): the messages are sent in small batches, each when its
 * time comes (`ratePerSecond`), or as fast as Kafka takes them; one object's alerts share a
 * partition (Kafka's Java hash of the objectId). A send resolves once Kafka has the batch, so
 * "sent" counts what a consumer can read. Stops at the end of the alerts, after `durationMs`,
 * or when the signal aborts.
 */
import type { KafkaSecurity } from '../kafka/kafka-connection.js';
import { kafkaErrorReason } from '../kafka/kafka-error-reason.js';
import { openProducer, type KafkaProducer } from '../kafka/open-producer.js';
import type { KafkaSinkAddress } from '../sinks/kafka/kafka-sink-address.js';
import type { AlertMessageEncoder, OutgoingAlert } from '../kafka/alert-message-encoder.js';

export interface PublishOptions {
  readonly ratePerSecond?: number;
  readonly durationMs?: number;
  readonly signal?: AbortSignal;
  /** About every `progressEveryMs` (default 5 s), and at the end. */
  readonly onProgress?: (progress: PublishProgress) => void;
  readonly progressEveryMs?: number;
}

export interface PublishProgress {
  readonly sent: number;
  readonly seconds: number;
  readonly alertsPerSecond: number;
}

/** Largest batch sent at once: at high rates, fewer round trips; at low ones, each batch on time. */
const MAX_BATCH = 500;
/** A rate-limited batch covers this much time. */
const TICK_MS = 50;

export class KafkaPublisher {
  private constructor(
    private readonly address: KafkaSinkAddress,
    private readonly producer: KafkaProducer,
  ) {}

  static async open(address: KafkaSinkAddress, security?: KafkaSecurity): Promise<KafkaPublisher> {
    return new KafkaPublisher(address, await openProducer(address.servers, address.topic, security));
  }

  async publish(alerts: AsyncIterable<OutgoingAlert>, encoder: AlertMessageEncoder, options: PublishOptions = {}): Promise<PublishProgress> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    let sent = 0;
    let lastProgress = 0;
    const progress = (): PublishProgress => {
      const seconds = elapsed() / 1000;
      return { sent, seconds, alertsPerSecond: seconds > 0 ? sent / seconds : 0 };
    };
    const rate = options.ratePerSecond;
    const batchSize = rate === undefined ? MAX_BATCH : Math.max(1, Math.min(MAX_BATCH, Math.round((rate * TICK_MS) / 1000)));
    let batch: { topic: string; key: Buffer; value: Buffer; metadata: string }[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const messages = batch;
      batch = [];
      // The batch goes out when its last message is due: the rate holds on average, and never runs ahead.
      if (rate !== undefined) {
        const due = ((sent + messages.length) / rate) * 1000;
        const wait = due - elapsed();
        if (wait > 0) await sleep(wait, options.signal);
      }
      await this.producer.send({ messages }).catch((err: unknown) => {
        throw new Error(`sending to Kafka topic ${this.address.topic} failed: ${kafkaErrorReason(err)}`);
      });
      sent += messages.length;
      if (options.onProgress && elapsed() - lastProgress >= (options.progressEveryMs ?? 5000)) {
        lastProgress = elapsed();
        options.onProgress(progress());
      }
    };
    const over = () => options.signal?.aborted === true || (options.durationMs !== undefined && elapsed() >= options.durationMs);
    for await (const alert of alerts) {
      if (over()) break;
      const message = await encoder.encode(alert);
      batch.push({ topic: this.address.topic, key: message.key, value: message.value, metadata: message.objectId });
      if (batch.length >= batchSize) await flush();
    }
    if (!options.signal?.aborted) await flush();
    const result = progress();
    options.onProgress?.(result);
    return result;
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
