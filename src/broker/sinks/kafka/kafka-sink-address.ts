/** A filter's Kafka output: `kafka://host:port[,host:port...]/topic`. */
import { isTopicName, splitKafkaUri } from '../../kafka/kafka-connection.js';

export interface KafkaSinkAddress {
  readonly servers: readonly string[];
  readonly topic: string;
}

/** The address, or an Error saying what is wrong and how it should read. */
export function parseKafkaSinkUri(text: string): KafkaSinkAddress {
  const fail = (why: string) => new Error(`${text}: ${why} (expected kafka://host:port/topic)`);
  const { servers, path: topic, query } = splitKafkaUri(text, fail);
  if (query !== undefined) throw fail('an output takes no parameters');
  if (topic.includes(',')) throw fail('an output writes one topic');
  if (!isTopicName(topic)) throw fail(`"${topic}" is not a Kafka topic name (letters, digits, ".", "_", "-")`);
  return { servers, topic };
}
