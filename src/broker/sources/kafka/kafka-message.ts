/**
 * One Kafka message to alert records, its format found per message:
 *
 * - an Avro object container file (magic "Obj" 1): ZTF's public stream, one alert a message;
 * - schemaless Avro whose writer schema travels as JSON in the message key: Fink's livestream,
 *   what fink-client reads (its older topics carry no key: their schema comes from a file named
 *   in the config, `schema`, which then applies to every message that is not a container);
 * - Confluent wire format (byte 0, a big-endian 4-byte schema id, the Avro body): Rubin's
 *   stream, the writer schema looked up by id (schema-lookup.ts: a registry URL or a folder);
 * - JSON: one alert object (64-bit integers read exactly).
 *
 * A message that cannot be read (empty, an unknown schema id, a body that does not decode with
 * its schema or leaves bytes over) becomes one source dead letter naming the topic, partition
 * and offset; the stream goes on.
 */
import { parseExactJson } from '../../../common/exact-json-parse.js';
import type { AlertOrigin, AlertSourceItem } from '../alert-source.js';
import { deadLetter, reasonOf } from '../alert-source.js';
import { alertTypeFor } from '../avro/avro-alert-type.js';
import { AVRO_MAGIC } from '../avro/avro-container-reader.js';
import { readAvroContainer } from '../avro-alert-source.js';
import { BufferByteReader } from '../byte-reader.js';
import type { SchemaLookup } from './schema-lookup.js';

export interface KafkaMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null | undefined;
  readonly value: Buffer | null | undefined;
}

export interface MessageFormats {
  /** Where Confluent wire-format messages find their writer schema by id. */
  readonly schemas?: SchemaLookup;
  /** The writer schema (JSON text) of schemaless messages that carry none in their key. */
  readonly schemaText?: string;
}

export type MessageFormat = 'avro-container' | 'avro-schema-in-key' | 'avro-configured-schema' | 'confluent' | 'json';

const CONFLUENT_MAGIC = 0;

/** Which of the formats a message is in, or undefined when it is in none. */
export function messageFormat(message: KafkaMessage, formats: MessageFormats): MessageFormat | undefined {
  const value = message.value;
  if (!value || value.length === 0) return undefined;
  if (value.length >= 4 && value.subarray(0, 4).equals(AVRO_MAGIC)) return 'avro-container';
  if (keySchemaText(message.key) !== undefined) return 'avro-schema-in-key';
  if (formats.schemaText !== undefined) return 'avro-configured-schema';
  if (value[0] === CONFLUENT_MAGIC && value.length > 5) return 'confluent';
  if (firstNonSpace(value) === 0x7b /* { */) return 'json';
  return undefined;
}

/** The message's alert records, or one dead letter. `servers`: the bootstrap servers, for the origin's `file`. */
export async function* readKafkaMessage(message: KafkaMessage, servers: string, formats: MessageFormats = {}): AsyncGenerator<AlertSourceItem> {
  const place = { topic: message.topic, partition: message.partition, offset: message.offset.toString() };
  const origin = (index: number, extra: Partial<AlertOrigin> = {}): AlertOrigin => ({ file: `kafka://${servers}/${message.topic}`, format: 'avro', index, ...extra, kafka: place });
  const format = messageFormat(message, formats);
  const value = message.value ?? Buffer.alloc(0);
  if (format === undefined) {
    yield deadLetter(origin(0), value.length === 0 ? 'an empty message' : `a message in no known format (not an Avro container, no Avro schema in its key, not Confluent wire format, not JSON; first bytes ${value.subarray(0, 8).toString('hex')})`);
    return;
  }
  if (format === 'avro-container') {
    yield* readAvroContainer(new BufferByteReader(value), origin);
    return;
  }
  if (format === 'json') {
    try {
      const payload = parseExactJson(value.toString('utf8'));
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('the message is JSON but not one alert object');
      yield { kind: 'alert', payload: payload as Record<string, unknown>, origin: { ...origin(0), format: 'json' } };
    } catch (err) {
      yield deadLetter({ ...origin(0), format: 'json' }, `unreadable JSON message: ${reasonOf(err)}`);
    }
    return;
  }
  let schemaText: string;
  let body: Buffer;
  if (format === 'confluent') {
    const id = value.readUInt32BE(1);
    if (!formats.schemas) {
      yield deadLetter(origin(0), `a Confluent wire-format message (schema id ${id}), but no schema registry or schema folder is configured: set the source's schema_registry`);
      return;
    }
    try {
      schemaText = await formats.schemas.schemaText(id);
    } catch (err) {
      yield deadLetter(origin(0), `schema id ${id}: ${reasonOf(err)}`);
      return;
    }
    body = value.subarray(5);
  } else {
    schemaText = format === 'avro-schema-in-key' ? keySchemaText(message.key)! : formats.schemaText!;
    body = value;
  }
  const where = format === 'confluent' ? `schema id ${value.readUInt32BE(1)}` : format === 'avro-schema-in-key' ? 'the schema in its key' : 'the configured schema';
  try {
    const { type, name, writerSchema } = alertTypeFor(schemaText);
    const decoded = type.decode(body, 0);
    if (decoded.offset < 0) throw new Error('the body ends before the record does');
    if (decoded.offset !== body.length) throw new Error(`${body.length - decoded.offset} bytes are left after the record`);
    yield { kind: 'alert', payload: decoded.value as Record<string, unknown>, origin: origin(0), schemaName: name, writerSchema };
  } catch (err) {
    yield deadLetter(origin(0), `the message does not decode with ${where}: ${reasonOf(err)}`);
  }
}

/** Key texts already judged: a stream repeats one schema (Fink's is ~190 KB) in every message's key. */
const judgedKeys = new Map<string, boolean>();
const JUDGED_KEYS = 32;

/** The key's text when it is an Avro record schema as JSON (Fink's livestream), else undefined. */
function keySchemaText(key: Buffer | null | undefined): string | undefined {
  if (!key || key.length < 2 || firstNonSpace(key) !== 0x7b) return undefined;
  const text = key.toString('utf8');
  let isSchema = judgedKeys.get(text);
  if (isSchema === undefined) {
    try {
      const schema = JSON.parse(text) as { type?: unknown; fields?: unknown };
      isSchema = schema !== null && typeof schema === 'object' && schema.type === 'record' && Array.isArray(schema.fields);
    } catch {
      isSchema = false;
    }
    judgedKeys.set(text, isSchema);
    if (judgedKeys.size > JUDGED_KEYS) judgedKeys.delete(judgedKeys.keys().next().value!);
  }
  return isSchema ? text : undefined;
}

function firstNonSpace(bytes: Buffer): number | undefined {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  return undefined;
}
