/**
 * The test Kafka itself: a real Apache Kafka 4 (KRaft, one node) from scripts/kafka-setup.sh,
 * started on free ports, answering the Kafka protocol, and gone after stop(): no JVM left, no
 * folder left. Needs Java 17+ and Maven (both installed here and in CI).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { apiVersions, LocalKafka } from '../../../src/broker/kafka/local-kafka.js';
import { runCliProcess } from '../../../src/cli/testing/run-cli-process.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const brokers: LocalKafka[] = [];

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

describe('LocalKafka (src/broker/kafka/local-kafka.ts)', () => {
  it('starts a real Kafka on a free port that answers the Kafka protocol, and stop() leaves nothing behind', { timeout: 120_000 }, async () => {
    const [a, b] = await Promise.all([LocalKafka.start(), LocalKafka.start({ partitions: 6 })]);
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

  it('runs as `aviary kafka start --port`: ready on that port, exit 0 on SIGTERM; a port in use is exit 1 with one line', { timeout: 180_000 }, async () => {
    const port = await freePort();
    let answered: Promise<{ errorCode: number }> | undefined;
    const result = await runCliProcess(['kafka', 'start', '--port', String(port)], {
      timeoutMs: 120_000,
      onStdout: (soFar, child) => {
        if (!answered && soFar.includes(`Kafka ready at 127.0.0.1:${port}`)) answered = apiVersions(`127.0.0.1:${port}`).finally(() => child.kill('SIGTERM'));
      },
    });
    expect((await answered!).errorCode).toBe(0);
    expect(result.code, result.stderr).toBe(0);

    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const busy = await runCliProcess(['kafka', 'start', '--port', String(port)], { timeoutMs: 120_000 });
      expect(busy.code).toBe(1);
      const errors = busy.stderr.split('\n').filter((l) => l.startsWith('aviary:'));
      expect(errors, busy.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(/Kafka exited .* before it started/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
