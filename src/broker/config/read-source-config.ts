/**
 * The `source:` block of a broker config: the Kafka stream a run reads when no `--source` is
 * given (the command line's `--source` replaces it).
 *
 *   source:
 *     servers: kafka1:9092,kafka2:9092     # or a list
 *     topics: [ztf_public]                 # or pattern: "fink_.*" (topics matched when the run starts)
 *     group: aviary-night                  # consumer group (default aviary)
 *     start: earliest                      # where a group without committed offsets begins (or latest)
 *     schema_registry: http://reg:8081     # Confluent wire format: a registry URL or a folder of <id>.avsc
 *     schema: ./fink_schema.avsc           # schemaless messages without a schema in their key (Fink's older topics)
 *     security: {...}                      # SASL / TLS (read-kafka-security.ts)
 */
import { resolve } from 'node:path';
import { isTopicName, parseServers } from '../kafka/kafka-connection.js';
import { DEFAULT_GROUP } from '../sources/kafka/kafka-uri.js';
import type { KafkaSourceConfig } from './broker-config.js';
import type { ConfigReader, ConfigValue } from './config-reader.js';
import { readKafkaSecurity } from './read-kafka-security.js';

const KEYS = ['servers', 'topics', 'pattern', 'group', 'start', 'schema_registry', 'schema', 'security'];

export function readSourceConfig(reader: ConfigReader, value: ConfigValue, dir: string): KafkaSourceConfig {
  const entries = reader.mapping(value, KEYS, ['servers']);
  const get = (key: string) => entries.get(key)!;
  const servers = readServers(reader, get('servers'));
  const topics = entries.has('topics') ? readTopics(reader, get('topics')) : [];
  const pattern = entries.has('pattern') ? readPattern(reader, get('pattern')) : undefined;
  if (topics.length > 0 && pattern !== undefined) throw reader.error(get('pattern'), 'give topics or a pattern, not both');
  if (topics.length === 0 && pattern === undefined) throw reader.error({ key: `${value.key}.topics`, node: null, parent: value.node }, 'name the topics to read (topics: [a, b]) or a pattern (pattern: "fink_.*")');
  const group = entries.has('group') ? reader.string(get('group')) : DEFAULT_GROUP;
  const start = entries.has('start') ? reader.string(get('start')) : 'earliest';
  if (start !== 'earliest' && start !== 'latest') throw reader.error(get('start'), `expected earliest or latest, got '${start}'`);
  const registry = entries.has('schema_registry') ? reader.string(get('schema_registry')) : undefined;
  return {
    servers,
    topics,
    ...(pattern !== undefined ? { pattern } : {}),
    group,
    start,
    ...(registry ? { schemaRegistry: /^https?:\/\//i.test(registry) ? registry : resolve(dir, registry) } : {}),
    ...(entries.has('schema') ? { schemaFile: resolve(dir, reader.string(get('schema'))) } : {}),
    ...(entries.has('security') ? { security: readKafkaSecurity(reader, get('security'), dir) } : {}),
  };
}

function readServers(reader: ConfigReader, value: ConfigValue): string[] {
  const texts = value.node && 'items' in value.node ? reader.list(value).map((v) => reader.string(v)) : [reader.string(value)];
  try {
    return texts.flatMap((text) => parseServers(text));
  } catch (err) {
    throw reader.error(value, `${(err as Error).message} (expected host:port, several separated by commas or as a list)`);
  }
}

function readTopics(reader: ConfigReader, value: ConfigValue): string[] {
  return reader.list(value).map((item) => {
    const topic = reader.string(item);
    if (!isTopicName(topic)) throw reader.error(item, `"${topic}" is not a Kafka topic name (letters, digits, ".", "_", "-")`);
    return topic;
  });
}

function readPattern(reader: ConfigReader, value: ConfigValue): string {
  const pattern = reader.string(value);
  try {
    new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw reader.error(value, `not a regular expression: ${(err as Error).message}`);
  }
  return pattern;
}
