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
 * Messages of one object go to one partition (open-producer.ts), so that an object's alerts stay
 * in order; the objectId is the key of `container` and `confluent` messages. A write resolves
 * once every replica has the batch (acks = all): the pipeline commits its source offsets only after.
 */
import { randomBytes } from 'node:crypto';
import type { FilterConfig, KafkaSinkFormat } from '../../config/broker-config.js';
import type { EnrichedAlert } from '../../enriched-alert.js';
import { describeConnection, type KafkaSecurity } from '../../kafka/kafka-connection.js';
import { openProducer, type KafkaProducer } from '../../kafka/open-producer.js';
import { kafkaErrorReason } from '../../kafka/kafka-error-reason.js';
import type { AlertSink } from '../alert-sink.js';
import { containerBlock, containerHeader } from '../avro/avro-container-bytes.js';
import { EnrichedAvroTypes, type AvroSlot } from '../avro/enriched-avro-types.js';
import { parseKafkaSinkUri, type KafkaSinkAddress } from './kafka-sink-address.js';
import { schemaRegistration, type SchemaRegistration } from './schema-registration.js';

export interface KafkaSinkOptions {
  readonly format: KafkaSinkFormat;
  readonly security?: KafkaSecurity;
  /** `confluent`: a registry URL or a folder. */
  readonly schemaRegistry?: string;
}

interface Message {
  key: Buffer;
  value: Buffer;
  /** The objectId: what the partition is chosen by. */
  metadata: string;
}

/** Per slot, what its messages need once: the key (fink), the container header, the schema id. */
interface SlotFraming {
  readonly schemaKey?: Buffer;
  readonly header?: Buffer;
  readonly sync?: Buffer;
  readonly prefix?: Buffer;
}

const CONFLUENT_MAGIC = 0;

export class KafkaAlertSink implements AlertSink {
  readonly description: string;
  private readonly types: EnrichedAvroTypes;
  private readonly framing: SlotFraming[] = [];
  private count = 0;
  private closed = false;

  private constructor(
    private readonly filter: Pick<FilterConfig, 'name' | 'output' | 'cutouts'>,
    private readonly address: KafkaSinkAddress,
    private readonly options: KafkaSinkOptions,
    private readonly producer: KafkaProducer,
    private readonly registration?: SchemaRegistration,
  ) {
    this.types = new EnrichedAvroTypes(filter);
    this.description = `Kafka topic ${address.topic} at ${describeConnection({ servers: address.servers, ...(options.security ? { security: options.security } : {}) })} (${options.format} format)`;
  }

  /** Connects and makes sure the topic can be written (created if the cluster creates topics on demand); throws with the reason. */
  static async open(filter: Pick<FilterConfig, 'name' | 'output' | 'cutouts'>, options: KafkaSinkOptions): Promise<KafkaAlertSink> {
    const address = parseKafkaSinkUri(filter.output);
    if (options.format === 'confluent' && !options.schemaRegistry) throw new Error(`filter ${filter.name}: format confluent needs schema_registry (a registry URL or a folder)`);
    const producer = await openProducer(address.servers, address.topic, options.security);
    const registration = options.format === 'confluent' ? schemaRegistration(options.schemaRegistry!) : undefined;
    return new KafkaAlertSink(filter, address, options, producer, registration);
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
    const messages: Message[] = [];
    for (let i = 0; i < alerts.length; i++) {
      const { slot, record } = this.types.place(alerts, i);
      const framing = this.framing[slot.index] ?? (this.framing[slot.index] = await this.framingOf(slot));
      const objectId = String(alerts[i]!.alert.objectId ?? alerts[i]!.alert.alertId);
      messages.push({ ...this.message(slot, framing, slot.type.toBuffer(record), objectId), metadata: objectId });
    }
    await this.producer.send({ messages: messages.map((m) => ({ topic: this.address.topic, ...m })) }).catch((err: unknown) => {
      throw new Error(kafkaErrorReason(err));
    });
    this.count += alerts.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.producer.close();
  }

  private message(slot: AvroSlot, framing: SlotFraming, body: Buffer, objectId: string): Omit<Message, 'metadata'> {
    switch (this.options.format) {
      case 'fink':
        return { key: framing.schemaKey!, value: body };
      case 'container':
        return { key: Buffer.from(objectId), value: Buffer.concat([framing.header!, containerBlock([body], 'null', framing.sync!)]) };
      case 'confluent':
        return { key: Buffer.from(objectId), value: Buffer.concat([framing.prefix!, body]) };
    }
  }

  private async framingOf(slot: AvroSlot): Promise<SlotFraming> {
    switch (this.options.format) {
      case 'fink':
        return { schemaKey: Buffer.from(slot.schemaText) };
      case 'container': {
        const sync = randomBytes(16);
        return { sync, header: containerHeader(slot.schemaText, 'null', sync) };
      }
      case 'confluent': {
        const id = await this.registration!.idOf(`${this.address.topic}-value`, slot.schemaText).catch((err: Error) => {
          throw new Error(`cannot register the schema of ${this.filter.output} in the ${this.registration!.description}: ${err.message}`);
        });
        const prefix = Buffer.alloc(5);
        prefix[0] = CONFLUENT_MAGIC;
        prefix.writeUInt32BE(id, 1);
        return { prefix };
      }
    }
  }
}
