/**
 * A filter's matches published to a Kafka topic, as Avro with the enriched schema (the alert's
 * writer schema plus the module outputs and `aviary_models`, as the Avro file sink writes), in
 * one of three formats:
 *
 * - `fink`: the schemaless Avro body, its writer schema as JSON in the message key: what Fink's
 *   livestream carries and fink-client decodes (fastavro's schemaless reader, schema from the key);
 * - `container`: one Avro object container file a message, as ZTF's public stream;
 * - `confluent`: byte 0, the schema's 4-byte id, the body (Rubin's stream), the schema
 *   registered in a registry or a folder (schema-registration.ts).
 *
 * The framing is shared with `aviary replay` and `simulate --to` (kafka/alert-message-encoder.ts).
 *
 * Messages of one object go to one partition (open-producer.ts), so that an object's alerts stay
 * in order; the objectId is the key of `container` and `confluent` messages. A write resolves
 * once every replica has the batch (acks = all): the pipeline commits its source offsets only after.
 */
import type { FilterConfig, KafkaSinkFormat } from '../../config/broker-config.js';
import type { EnrichedAlert } from '../../enriched-alert.js';
import { describeConnection, type KafkaSecurity } from '../../kafka/kafka-connection.js';
import { openProducer, type KafkaProducer } from '../../kafka/open-producer.js';
import { kafkaErrorReason } from '../../kafka/kafka-error-reason.js';
import type { AlertSink } from '../alert-sink.js';
import { AlertMessageEncoder } from '../../kafka/alert-message-encoder.js';
import { EnrichedAvroTypes } from '../avro/enriched-avro-types.js';
import { parseKafkaSinkUri, type KafkaSinkAddress } from './kafka-sink-address.js';

export interface KafkaSinkOptions {
  readonly format: KafkaSinkFormat;
  readonly security?: KafkaSecurity;
  /** `confluent`: a registry URL or a folder. */
  readonly schemaRegistry?: string;
}

export class KafkaAlertSink implements AlertSink {
  readonly description: string;
  private readonly types: EnrichedAvroTypes;
  private readonly encoder: AlertMessageEncoder;
  private count = 0;
  private closed = false;

  private constructor(
    filter: Pick<FilterConfig, 'name' | 'output' | 'cutouts'>,
    private readonly address: KafkaSinkAddress,
    options: KafkaSinkOptions,
    private readonly producer: KafkaProducer,
  ) {
    this.types = new EnrichedAvroTypes(filter);
    this.encoder = new AlertMessageEncoder(options.format, address.topic, options.schemaRegistry);
    this.description = `Kafka topic ${address.topic} at ${describeConnection({ servers: address.servers, ...(options.security ? { security: options.security } : {}) })} (${options.format} format)`;
  }

  /** Connects and makes sure the topic can be written (created if the cluster creates topics on demand); throws with the reason. */
  static async open(filter: Pick<FilterConfig, 'name' | 'output' | 'cutouts'>, options: KafkaSinkOptions): Promise<KafkaAlertSink> {
    const address = parseKafkaSinkUri(filter.output);
    if (options.format === 'confluent' && !options.schemaRegistry) throw new Error(`filter ${filter.name}: format confluent needs schema_registry (a registry URL or a folder)`);
    const producer = await openProducer(address.servers, address.topic, options.security);
    return new KafkaAlertSink(filter, address, options, producer);
  }

  /** The sink of a filter whose output is a Kafka topic. */
  static forFilter(filter: FilterConfig & { format: KafkaSinkFormat }): Promise<KafkaAlertSink> {
    return KafkaAlertSink.open(filter, { format: filter.format, ...(filter.security ? { security: filter.security } : {}), ...(filter.schemaRegistry ? { schemaRegistry: filter.schemaRegistry } : {}) }).catch((err: Error) => {
      throw new Error(`filter ${filter.name}: ${err.message}`);
    });
  }

  get written(): number {
    return this.count;
  }

  async write(alerts: readonly EnrichedAlert[]): Promise<void> {
    if (this.closed) throw new Error(`${this.description} is closed: cannot write more alerts`);
    const messages = [];
    for (let i = 0; i < alerts.length; i++) {
      const { alert } = alerts[i]!;
      const { slot, record } = this.types.place(alerts, i);
      const objectId = String(alert.objectId ?? alert.alertId);
      const message = await this.encoder.encode({ payload: record, schemaText: slot.schemaText, body: slot.type.toBuffer(record), survey: alert.survey, objectId });
      messages.push({ topic: this.address.topic, key: message.key, value: message.value, metadata: objectId });
    }
    await this.producer.send({ messages }).catch((err: unknown) => {
      throw new Error(kafkaErrorReason(err));
    });
    this.count += alerts.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.producer.close();
  }
}
