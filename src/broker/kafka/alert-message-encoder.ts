/**
 * Alerts as the surveys' streams carry them on Kafka, for `aviary replay`, `aviary simulate --to`
 * and the Kafka sink (its enriched alerts, bodies already encoded):
 *
 * - `container`: one Avro object container file a message (ZTF's public stream);
 * - `confluent`: byte 0, the writer schema's 4-byte id (registered in a registry or a folder),
 *   the Avro body (Rubin's stream);
 * - `fink`: the schemaless body, the writer schema as JSON in the key (Fink's livestream);
 * - `json`: the alert as exact JSON (alerts read from Parquet or JSON, which have no Avro schema).
 *
 * `auto` picks the survey's own: container for ZTF, confluent for Rubin, json without a schema.
 * Avro bodies are encoded with the writer schema the alert was read with, longs exact.
 */
import { randomBytes } from 'node:crypto';
import type avro from 'avsc';
import { toExactJson } from '../../common/exact-json.js';
import type { Survey } from '../alert.js';
import { containerBlock, containerHeader } from '../sinks/avro/avro-container-bytes.js';
import { schemaRegistration, type SchemaRegistration } from '../sinks/kafka/schema-registration.js';
import { alertTypeFor } from '../sources/avro/avro-alert-type.js';

export type PublishFormat = 'auto' | 'container' | 'confluent' | 'fink' | 'json';
export const PUBLISH_FORMATS: readonly PublishFormat[] = ['auto', 'container', 'confluent', 'fink', 'json'];

/** One alert to publish: its payload as read, the writer schema's JSON text when it came from Avro. */
export interface OutgoingAlert {
  readonly payload: Readonly<Record<string, unknown>>;
  readonly schemaText?: string;
  readonly survey: Survey;
  /** The key of container, confluent and json messages; what the partition is chosen by. */
  readonly objectId: string;
  /** The payload already encoded with `schemaText` (a simulated alert comes so), spared encoding again. */
  readonly body?: Buffer;
}

export interface EncodedMessage {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly objectId: string;
}

interface SchemaFraming {
  /** Made on first need: a body given already encoded needs none. */
  type?: avro.Type;
  readonly keyText: Buffer;
  readonly header: Buffer;
  readonly sync: Buffer;
  prefix?: Promise<Buffer>;
}

export class AlertMessageEncoder {
  private readonly schemas = new Map<string, SchemaFraming>();
  private readonly registration?: SchemaRegistration;

  /** `topic`: the subject a confluent schema is registered under (`<topic>-value`). */
  constructor(
    private readonly format: PublishFormat,
    private readonly topic: string,
    schemaRegistry?: string,
  ) {
    if (schemaRegistry) this.registration = schemaRegistration(schemaRegistry);
  }

  /** The format an alert goes out in. */
  formatOf(alert: OutgoingAlert): Exclude<PublishFormat, 'auto'> {
    if (this.format !== 'auto') return this.format;
    if (alert.schemaText === undefined) return 'json';
    return alert.survey === 'lsst' ? 'confluent' : 'container';
  }

  async encode(alert: OutgoingAlert): Promise<EncodedMessage> {
    const format = this.formatOf(alert);
    const key = Buffer.from(alert.objectId);
    if (format === 'json') return { key, value: Buffer.from(toExactJson(alert.payload)), objectId: alert.objectId };
    if (alert.schemaText === undefined) throw new Error(`format ${format} needs an Avro alert, but alert ${alert.objectId} was read without a writer schema (Parquet or JSON): use --format json`);
    const framing = this.framingOf(alert.schemaText);
    const body = alert.body ?? (framing.type ??= alertTypeFor(alert.schemaText).type).toBuffer(alert.payload);
    switch (format) {
      case 'container':
        return { key, value: Buffer.concat([framing.header, containerBlock([body], 'null', framing.sync)]), objectId: alert.objectId };
      case 'fink':
        return { key: framing.keyText, value: body, objectId: alert.objectId };
      case 'confluent':
        return { key, value: Buffer.concat([await this.prefixOf(alert.schemaText, framing), body]), objectId: alert.objectId };
    }
  }

  private framingOf(schemaText: string): SchemaFraming {
    let framing = this.schemas.get(schemaText);
    if (!framing) {
      const sync = randomBytes(16);
      framing = { keyText: Buffer.from(schemaText), header: containerHeader(schemaText, 'null', sync), sync };
      this.schemas.set(schemaText, framing);
    }
    return framing;
  }

  private prefixOf(schemaText: string, framing: SchemaFraming): Promise<Buffer> {
    const registration = this.registration;
    if (!registration) throw new Error('Rubin alerts go out in Confluent wire format, which needs a schema registry: give --schema-registry <url or folder>, or choose --format container');
    framing.prefix ??= registration.idOf(`${this.topic}-value`, schemaText).then((id) => {
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(id, 1);
      return prefix;
    }, (err: Error) => {
      throw new Error(`cannot register the schema of topic ${this.topic} in the ${registration.description}: ${err.message}`);
    });
    return framing.prefix;
  }
}
