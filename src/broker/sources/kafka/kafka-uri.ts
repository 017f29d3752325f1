/**
 * A Kafka source named on the command line:
 *
 *   kafka://host:port[,host:port...]/topic[,topic...][?group=<id>&start=earliest|latest]
 *
 * group: the consumer group (default "aviary"): processes sharing one share the partitions.
 * start: where a group without committed offsets begins (default earliest).
 */
import { isTopicName, splitKafkaUri, type KafkaSecurity } from '../../kafka/kafka-connection.js';

export interface KafkaSourceAddress {
  readonly servers: readonly string[];
  /** Empty when `pattern` chooses the topics. */
  readonly topics: readonly string[];
  /** A regular expression: every topic whose whole name it matches when the stream starts. */
  readonly pattern?: string;
  readonly group: string;
  readonly start: 'earliest' | 'latest';
  readonly security?: KafkaSecurity;
}

export const DEFAULT_GROUP = 'aviary';

export function isKafkaUri(text: string): boolean {
  return /^kafka:\/\//i.test(text);
}

/** The address, or an Error saying what is wrong with the URI and how it should read. */
export function parseKafkaUri(text: string): KafkaSourceAddress {
  const fail = (why: string) => new Error(`${text}: ${why} (expected kafka://host:port/topic[,topic...]?group=<id>&start=earliest|latest)`);
  const { servers, path, query } = splitKafkaUri(text, fail);
  const topics = path.split(',').filter((t) => t !== '');
  if (topics.length === 0) throw fail('no topic');
  for (const topic of topics) if (!isTopicName(topic)) throw fail(`"${topic}" is not a Kafka topic name (letters, digits, ".", "_", "-")`);
  const params = new URLSearchParams(query ?? '');
  for (const key of params.keys()) if (key !== 'group' && key !== 'start') throw fail(`unknown parameter "${key}"`);
  const group = params.get('group') ?? DEFAULT_GROUP;
  if (group === '') throw fail('an empty group');
  const start = params.get('start') ?? 'earliest';
  if (start !== 'earliest' && start !== 'latest') throw fail(`start=${start}: earliest or latest`);
  return { servers, topics, group, start };
}
