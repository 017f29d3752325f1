/**
 * The test Kafka itself: a real Apache Kafka 4 (KRaft, one node) from scripts/kafka-setup.sh,
 * started on free ports, answering the Kafka protocol, and gone after stop(): no JVM left, no
 * folder left. Needs Java 17+ and Maven (both installed here and in CI).
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { apiVersions, KafkaBroker } from './kafka-broker.js';

const brokers: KafkaBroker[] = [];

afterAll(async () => {
  await Promise.all(brokers.map((b) => b.stop()));
});

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('KafkaBroker (tests/ts/kafka/kafka-broker.ts)', () => {
  it('starts a real Kafka on a free port that answers the Kafka protocol, and stop() leaves nothing behind', { timeout: 120_000 }, async () => {
    const [a, b] = await Promise.all([KafkaBroker.start(), KafkaBroker.start({ partitions: 6 })]);
    brokers.push(a, b);
    expect(a.port).not.toBe(b.port);
    for (const broker of [a, b]) {
      const versions = await apiVersions(broker.bootstrap);
      expect(versions.errorCode).toBe(0);
      // Produce (0), Fetch (1), Metadata (3), OffsetCommit (8), JoinGroup (11): what a consumer group needs.
      expect(versions.apiKeys).toEqual(expect.arrayContaining([0, 1, 3, 8, 11]));
    }
    await a.stop();
    expect(alive(a.pid)).toBe(false);
    expect(existsSync(a.dir)).toBe(false);
    await expect(apiVersions(a.bootstrap)).rejects.toThrow();
  });
});
