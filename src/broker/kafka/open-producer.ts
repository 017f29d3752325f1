/**
 * A Kafka producer for one topic, connected and checked: the cluster answers and the topic can
 * be written (created if the cluster creates topics on demand). Messages carry their objectId
 * as `metadata`, and land on the partition Kafka's Java clients would give that key (murmur2,
 * sign bit masked; the client takes it modulo the partition count): one object, one partition,
 * its alerts in order. A send resolves once every replica has the batch (acks = all).
 */
import type { Producer } from '@platformatic/kafka';
import { clientOptions, type KafkaSecurity } from './kafka-connection.js';
import { kafkaErrorReason } from './kafka-error-reason.js';

export type KafkaProducer = Producer<Buffer, Buffer, Buffer, Buffer>;

const CONNECT_TIMEOUT_MS = 10_000;
const ACKS_ALL = -1;

export async function openProducer(servers: readonly string[], topic: string, security?: KafkaSecurity): Promise<KafkaProducer> {
  // Loaded on first use: every other command starts without the Kafka client.
  const { Producer, murmur2 } = await import('@platformatic/kafka');
  const producer: KafkaProducer = new Producer({
    ...clientOptions({ servers, ...(security ? { security } : {}) }),
    connectTimeout: CONNECT_TIMEOUT_MS,
    retries: 3,
    acks: ACKS_ALL,
    partitioner: (message) => murmur2(Buffer.from(String(message.metadata))) & 0x7fffffff,
  });
  try {
    await producer.metadata({ topics: [topic], autocreateTopics: true });
  } catch (err) {
    await producer.close().catch(() => {});
    throw new Error(`cannot reach Kafka at ${servers.join(',')} for topic ${topic}: ${kafkaErrorReason(err)}`);
  }
  return producer;
}
