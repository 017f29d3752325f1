/**
 * The broker reading a real Kafka (src/broker/kafka/local-kafka.ts): ZTF's 50 raw-2020 alerts
 * produced as ZTF's stream carries them (one Avro container file a message) into a topic of 3
 * partitions, read in a consumer group by runBroker, stored with their exact ids; a message in
 * no known format is a source dead letter naming its topic, partition and offset. Offsets are
 * committed once a batch is stored: a second run of the same group reads only what was produced
 * after the first; another group reads everything again. As a real `aviary broker run`: exit 0
 * at the idle timeout, and on SIGTERM mid-stream (what was read is committed, a restart resumes).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../../../src/broker/config/load-broker-config.js';
import { runBroker } from '../../../src/broker/pipeline/run-broker.js';
import type { AlertSourceItem } from '../../../src/broker/sources/alert-source.js';
import { KafkaAlertSource } from '../../../src/broker/sources/kafka/kafka-alert-source.js';
import { parseKafkaUri } from '../../../src/broker/sources/kafka/kafka-uri.js';
import { MemoryAlertStore } from '../../../src/broker/store/memory-alert-store.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { runCliProcess } from '../../../src/cli/testing/run-cli-process.js';
import { dataPath } from '../broker/shared-data.js';
import { MetricsRegistry } from '../../../src/common/metrics/metrics-registry.js';
import { parsePrometheusText } from '../../../src/common/metrics/testing/parse-prometheus-text.js';
import { LocalKafka } from '../../../src/broker/kafka/local-kafka.js';

const RAW = dataPath('ztf/raw-2020');
const files = readdirSync(RAW).filter((f) => f.endsWith('.avro')).sort();
const config = parseBrokerConfig('batch_size: 20\nmodules: []\nfilters: []\nfollow_registry: 0\n', 'broker.yaml');
/** Joining the group and the first fetch count against the idle timeout: 3 s was too short on a loaded machine. */
const IDLE_MS = 6000;
const noEnvironments = { build: async () => Promise.reject(new Error('no module here')) };

let kafka: LocalKafka;

beforeAll(async () => {
  kafka = await LocalKafka.start({ partitions: 3 });
}, 120_000);

afterAll(async () => {
  await kafka?.stop();
});

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

async function produce(topic: string, values: readonly Buffer[]): Promise<void> {
  const producer = new Producer({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap], idempotent: true });
  try {
    await producer.send({ messages: values.map((value, i) => ({ topic, key: Buffer.from(`k${i}`), value })) });
  } finally {
    await producer.close();
  }
}

async function run(store: MemoryAlertStore, uri: string, metrics?: MetricsRegistry) {
  const source = new KafkaAlertSource(parseKafkaUri(uri), { idleTimeoutMs: IDLE_MS });
  const summary = await runBroker({ config, source, store, builder: noEnvironments, ...(metrics ? { metrics } : {}) });
  return { ...summary, rebalanced: source.groupJoins > 1 };
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a rebalance');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Exactly `expected` reads, unless the group rebalanced: then what was read and not yet committed is read again (at least once). */
function expectReads(run: { alertsRead: number; rebalanced: boolean }, expected: number): void {
  if (run.rebalanced) expect(run.alertsRead).toBeGreaterThanOrEqual(expected);
  else expect(run.alertsRead).toBe(expected);
}

describe('a Kafka source', () => {
  it('reads ZTF container messages in a group, stores them exactly, and resumes from the committed offsets', { timeout: 180_000 }, async () => {
    const topic = 'ztf-public';
    const alerts = files.map((f) => readFileSync(join(RAW, f)));
    await createTopic(topic, 3);
    await produce(topic, [...alerts.slice(0, 40), Buffer.from('not an alert')]);
    const store = new MemoryAlertStore();
    const uri = `kafka://${kafka.bootstrap}/${topic}?group=night-1`;

    const metrics = new MetricsRegistry();
    const first = await run(store, uri, metrics);
    expectReads(first, 40);
    expect(await store.countAlerts()).toBe(40);
    // Every partition committed to its end: 40 alerts and the unreadable message, each read once at least.
    const partitions = first.stream!.partitions;
    expect(partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(partitions.map((p) => p.lag)).toEqual([0, 0, 0]);
    expect(partitions.reduce((n, p) => n + Number(p.committedOffset), 0)).toBe(41);
    expect(partitions.map((p) => p.endOffset)).toEqual(partitions.map((p) => p.committedOffset));
    expect(first.stream!.latencyMs!.count).toBeGreaterThanOrEqual(41);
    expect(first.stream!.latencyMs!.p99).toBeGreaterThan(0);
    // The same figures for Prometheus, per partition.
    const scraped = parsePrometheusText(await metrics.render());
    for (const p of partitions) {
      const labels = { topic, partition: String(p.partition) };
      expect(scraped.value('aviary_source_kafka_lag', labels)).toBe(0);
      expect(scraped.value('aviary_source_kafka_committed_offset', labels)).toBe(Number(p.committedOffset));
    }
    expect(scraped.value('aviary_source_kafka_latency_seconds_count')).toBe(first.stream!.latencyMs!.count);
    expect(first.sourceDeadLetters).toBe(1);
    expect(first.deadLetterReasons.map((r) => `${r.reason} @ ${r.first}`).join(' ')).toContain(`kafka://${kafka.bootstrap}/${topic} (topic ${topic}, partition`);
    // candid exact: the file's name is its candid.
    const one = await store.getAlert(BigInt(files[3]!.replace('.avro', '')));
    expect(one?.objectId).toMatch(/^ZTF/);

    // The same group again: nothing new until more is produced; then only that.
    expect((await run(store, uri)).alertsRead).toBe(0);
    await produce(topic, alerts.slice(40));
    const third = await run(store, uri);
    expectReads(third, files.length - 40);
    expect(await store.countAlerts()).toBe(files.length);

    // Another group starts from the earliest offset: everything again, stored once.
    const other = await run(store, `kafka://${kafka.bootstrap}/${topic}?group=replay`);
    expectReads(other, files.length);
    expect(await store.countAlerts()).toBe(files.length);
  });

  it('commits a message holding many alerts only once all of them are stored, across batches', { timeout: 120_000 }, async () => {
    const topic = 'fink-containers';
    await createTopic(topic, 1);
    // One container of 31 alerts: batches of 20 split it.
    await produce(topic, [readFileSync(dataPath('ztf/fink-enriched-2026/part-3-305711.avro'))]);
    const store = new MemoryAlertStore();
    const uri = `kafka://${kafka.bootstrap}/${topic}?group=containers`;
    const first = await run(store, uri);
    expectReads(first, 31);
    expect([await store.countAlerts(), first.sourceDeadLetters]).toEqual([31, 0]);
    expect((await run(store, uri)).alertsRead).toBe(0);
  });

  it('hands out nothing twice when a rebalance gives a partition back while its messages are in the pipeline', { timeout: 120_000 }, async () => {
    const topic = 'rebalance-back';
    await createTopic(topic, 1);
    await produce(topic, files.slice(0, 10).map((f) => readFileSync(join(RAW, f))));
    const group = 'rebalance-back';
    const source = new KafkaAlertSource(parseKafkaUri(`kafka://${kafka.bootstrap}/${topic}?group=${group}`), { idleTimeoutMs: IDLE_MS });
    const items = source[Symbol.asyncIterator]();
    const read: AlertSourceItem[] = [];
    for (let i = 0; i < 4; i++) read.push((await items.next()).value as AlertSourceItem);
    // Two delivered and committed, two still in the pipeline when the group rebalances.
    await source.acknowledge(read.slice(0, 2).map((item) => item.origin));
    // Another member joins and leaves: two rebalances, after which the partition is this source's again.
    const other = new Consumer({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap], groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await other.joinGroup({});
    await until(() => source.groupJoins >= 2);
    await other.close(true);
    await until(() => source.groupJoins >= 3);
    for (;;) {
      const next = await items.next();
      if (next.done) break;
      read.push(next.value);
    }
    const offsets = read.map((item) => item.origin.kafka!.offset);
    expect(offsets).toEqual([...Array(10).keys()].map(String));
    await source.acknowledge(read.slice(2).map((item) => item.origin));
    expect(source.status().partitions.map((p) => p.committedOffset)).toEqual(["10"]);
  });

  it('runs as `aviary broker run --source kafka://`: exit 0 at --idle-timeout and on SIGTERM, a restart resuming where it stopped', { timeout: 240_000 }, async () => {
    const topic = 'ztf-cli';
    await createTopic(topic, 2);
    await produce(topic, files.map((f) => readFileSync(join(RAW, f))));
    const work = await mkdtemp(join(tmpdir(), 'aviary-kafka-cli-'));
    try {
      const yaml = join(work, 'broker.yaml');
      await writeFile(yaml, 'batch_size: 10\nmodules: []\nfilters: []\nfollow_registry: 0\n');
      const base = ['broker', 'run', '--config', yaml, '--data-dir', join(work, 'data'), '--source', `kafka://${kafka.bootstrap}/${topic}?group=cli`];
      // No idle timeout: it would read on; SIGTERM once some alerts are stored.
      const stopped = await runCliProcess(base, {
        timeoutMs: 120_000,
        env: { ...process.env, AVIARY_SANDBOX: 'off' },
        onStderr: (soFar, child) => {
          if (/stored [1-9]/.test(soFar) && !child.killed) child.kill('SIGTERM');
        },
      });
      expect(stopped.signal).toBeNull();
      expect(stopped.code, stopped.stderr).toBe(0);
      const firstRead = Number(/alerts read:\s+([\d,]+)/.exec(stopped.stdout)?.[1]?.replace(/,/g, ''));
      expect(firstRead).toBeGreaterThan(0);

      const rest = await runCliProcess([...base, '--idle-timeout', String(IDLE_MS / 1000), '--json'], { timeoutMs: 120_000, env: { ...process.env, AVIARY_SANDBOX: 'off' } });
      expect(rest.code, rest.stderr).toBe(0);
      const summary = JSON.parse(rest.stdout) as { alertsRead: number; stream: { partitions: { lag: number; committedOffset: string }[] } };
      // Both partitions committed to their end: lag 0, offsets summing to every message.
      expect(summary.stream.partitions.map((p) => p.lag)).toEqual([0, 0]);
      expect(summary.stream.partitions.reduce((n, p) => n + Number(p.committedOffset), 0), JSON.stringify(summary.stream)).toBe(files.length);
      // What the first run committed is not read again; what it read and did not commit may be (at least once).
      expect(summary.alertsRead).toBeGreaterThanOrEqual(files.length - firstRead);
      expect(summary.alertsRead).toBeLessThan(files.length);
      const store = await openAlertStore(`sqlite:///${join(work, 'data', 'alerts.db')}`);
      try {
        expect(await store.countAlerts()).toBe(files.length);
      } finally {
        await store.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
