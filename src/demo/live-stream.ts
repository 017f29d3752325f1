/**
 * The live demo's night (`aviary demo --live`): a local Kafka (src/broker/kafka/local-kafka.ts,
 * Java 17+), simulated ZTF alerts published onto a topic at a steady rate while the broker reads
 * it in a consumer group, as it would read ZTF's or Rubin's stream; the broker page shows the
 * partitions, the lag and the latency from the Kafka timestamp as they move. The broker's run
 * ends 10 s after the last alert (its idle timeout); then Kafka is stopped.
 */
import { LocalKafka } from '../broker/kafka/local-kafka.js';
import { AlertMessageEncoder, type OutgoingAlert } from '../broker/kafka/alert-message-encoder.js';
import { KafkaPublisher, type PublishProgress } from '../broker/publish/kafka-publisher.js';
import { alertSchemaText, simulateAlerts } from '../broker/simulate/simulate-alerts.js';
import { KafkaAlertSource } from '../broker/sources/kafka/kafka-alert-source.js';
import type { AlertSourceItem } from '../broker/sources/alert-source.js';
import type { Logger } from '../common/logger.js';

export const LIVE_TOPIC = 'ztf-live';
const LIVE_PARTITIONS = 6;
const IDLE_TIMEOUT_MS = 10_000;

export interface LiveStream {
  readonly kafka: LocalKafka;
  /** What the broker reads. */
  readonly source: KafkaAlertSource;
  /** Resolves when every alert is published (or the signal stopped it). */
  readonly published: Promise<PublishProgress>;
  stop(): Promise<void>;
}

/** The night begins when the broker starts reading, its modules loaded: latencies then measure the stream, not the loading. */
class StartingSource extends KafkaAlertSource {
  constructor(
    address: ConstructorParameters<typeof KafkaAlertSource>[0],
    options: ConstructorParameters<typeof KafkaAlertSource>[1],
    private readonly onStart: () => void,
  ) {
    super(address, options);
  }

  override async *[Symbol.asyncIterator](): AsyncGenerator<AlertSourceItem> {
    this.onStart();
    yield* super[Symbol.asyncIterator]();
  }
}

export async function startLiveStream(options: { count: number; ratePerSecond: number; seed: number; logger: Logger; signal?: AbortSignal }): Promise<LiveStream> {
  const kafka = await LocalKafka.start({ partitions: LIVE_PARTITIONS }).catch((err: Error) => {
    throw new Error(`--live needs a local Kafka, which did not start: ${err.message}`);
  });
  try {
    const publisher = await KafkaPublisher.open({ servers: [kafka.bootstrap], topic: LIVE_TOPIC });
    const schemaText = alertSchemaText('ztf');
    async function* alerts(): AsyncGenerator<OutgoingAlert> {
      for (const alert of simulateAlerts({ survey: 'ztf', n: options.count, seed: options.seed })) {
        yield { payload: alert.record, schemaText, survey: 'ztf', objectId: String(alert.objectId), body: alert.body };
      }
    }
    let startPublishing!: () => void;
    let publishing = false;
    const started = new Promise<void>((resolve) => (startPublishing = () => ((publishing = true), resolve())));
    const published = started.then(() =>
      publisher.publish(alerts(), new AlertMessageEncoder('container', LIVE_TOPIC), { ratePerSecond: options.ratePerSecond, ...(options.signal ? { signal: options.signal } : {}) }).finally(() => publisher.close()),
    );
    const address = { servers: [kafka.bootstrap], topics: [LIVE_TOPIC], group: 'aviary-demo', start: 'earliest' as const };
    const source = new StartingSource(address, { idleTimeoutMs: IDLE_TIMEOUT_MS, logger: options.logger, ...(options.signal ? { signal: options.signal } : {}) }, startPublishing);
    const stop = async () => {
      // A broker that failed before reading never started the night: its producer is closed here.
      if (!publishing) await publisher.close().catch(() => {});
      await kafka.stop();
    };
    return { kafka, source, published, stop };
  } catch (err) {
    await kafka.stop();
    throw err;
  }
}
