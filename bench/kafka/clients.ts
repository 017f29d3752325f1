/**
 * The Node Kafka client, chosen by measurement: each candidate produces the same real alert
 * messages (ZTF's public stream: one Avro container file per message, the 50 alerts of
 * ../shared/data/ztf/raw-2020 in turn) into a 6-partition topic of a real Kafka 4.4 (KRaft,
 * src/broker/kafka/local-kafka.ts), then consumes them back in a consumer group from the earliest
 * offset, committing each partition's offset every 1,000 messages (as the broker will after
 * storing a batch). Candidates run in turn, the order rotated per round; the median round is
 * printed: messages/s, MB/s and this process's CPU per 1,000 messages (the JVM's is left out).
 *
 *   npx tsx bench/kafka/clients.ts [--messages 10000] [--rounds 3] [--smoke]
 *
 * The candidates are installed once, at pinned versions, into
 * ${AVIARY_CACHE_DIR:-~/.cache/aviary}/bench-kafka-clients/, so that both load the same way
 * (the broker's own @platformatic/kafka is the same version). A full run writes its section of
 * bench/kafka/results.md. --smoke (a check that it still runs, not a measurement): 200 messages,
 * one round, results.md left alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LocalKafka } from '../../src/broker/kafka/local-kafka.js';
import { describeMachine, machineLine } from '../common/machine.js';
import { writeResultsSection } from '../common/results-section.js';
import { consoleTable, markdownTable } from '../common/tables.js';

const here = import.meta.dirname;
const DATA = resolve(here, '../../../shared/data/ztf/raw-2020');
const CANDIDATES = { '@platformatic/kafka': '1.35.0', kafkajs: '2.2.4' } as const;
const COMMIT_EVERY = 1000;
const SEND_BATCH = 100;
const PARTITIONS = 6;

const { values: args } = parseArgs({ options: { messages: { type: 'string' }, rounds: { type: 'string' }, smoke: { type: 'boolean', default: false } } });
const MESSAGES = Number(args.messages ?? (args.smoke ? 200 : 10_000));
const ROUNDS = Number(args.rounds ?? (args.smoke ? 1 : 3));

interface Message {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** What a candidate does: produce every message into `topic`, then consume them all back in a group. */
interface Client {
  readonly name: string;
  produce(bootstrap: string, topic: string, messages: readonly Message[]): Promise<void>;
  consume(bootstrap: string, topic: string, group: string, expected: number): Promise<number>;
}

/** The parts of each candidate's API used here (they are not installed in the project, so not typed by it). */
interface PlatformaticKafka {
  Producer: new (options: object) => { send(request: { messages: object[] }): Promise<unknown>; close(): Promise<void> };
  Consumer: new (options: object) => {
    consume(options: object): Promise<AsyncIterable<{ partition: number; offset: bigint; value: unknown; commit(): unknown }> & { close(): Promise<void> }>;
    close(): Promise<void>;
  };
}

interface KafkaJsModule {
  Kafka: new (options: object) => {
    producer(): { connect(): Promise<void>; send(request: object): Promise<unknown>; disconnect(): Promise<void> };
    consumer(options: object): {
      connect(): Promise<void>;
      subscribe(options: object): Promise<void>;
      run(options: { autoCommit: boolean; eachMessage(payload: { partition: number; message: { offset: string; value: Buffer | null } }): Promise<void> }): Promise<void>;
      commitOffsets(offsets: object[]): Promise<void>;
      disconnect(): Promise<void>;
    };
    admin(): { connect(): Promise<void>; createTopics(options: object): Promise<boolean>; disconnect(): Promise<void> };
  };
  logLevel: { NOTHING: number };
}

interface Timing {
  readonly seconds: number;
  readonly cpuMs: number;
}

function installCandidates(): string {
  const root = join(process.env.AVIARY_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'aviary'), 'bench-kafka-clients');
  const marker = join(root, `installed-${Object.entries(CANDIDATES).map(([n, v]) => `${n.replace('/', '_')}@${v}`).join('+')}`);
  if (!existsSync(marker)) {
    console.error(`installing ${Object.entries(CANDIDATES).map(([n, v]) => `${n}@${v}`).join(', ')} into ${root} (once)`);
    execFileSync('npm', ['install', '--prefix', root, '--no-audit', '--no-fund', '--loglevel=error', ...Object.entries(CANDIDATES).map(([n, v]) => `${n}@${v}`)], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(marker, '');
  }
  return root;
}

async function platformatic(root: string): Promise<Client> {
  const kafka = (await import(pathToFileURL(join(root, 'node_modules/@platformatic/kafka/dist/index.js')).href)) as PlatformaticKafka;
  return {
    name: `@platformatic/kafka ${CANDIDATES['@platformatic/kafka']}`,
    async produce(bootstrap, topic, messages) {
      const producer = new kafka.Producer({ clientId: 'bench', bootstrapBrokers: [bootstrap] });
      for (let i = 0; i < messages.length; i += SEND_BATCH) {
        await producer.send({ messages: messages.slice(i, i + SEND_BATCH).map((m) => ({ topic, key: m.key, value: m.value })) });
      }
      await producer.close();
    },
    async consume(bootstrap, topic, group, expected) {
      const consumer = new kafka.Consumer({ groupId: group, clientId: 'bench', bootstrapBrokers: [bootstrap] });
      const stream = await consumer.consume({ autocommit: false, topics: [topic], mode: 'earliest', sessionTimeout: 10_000, heartbeatInterval: 500 });
      let count = 0;
      let bytes = 0;
      const last = new Map<number, { commit(): unknown }>();
      const seen = new Set<string>();
      for await (const message of stream) {
        // A rebalance (a loaded machine misses a heartbeat) reads again what was not committed: counted once.
        if (!firstRead(seen, message.partition, message.offset)) continue;
        count++;
        bytes += (message.value as Buffer).length;
        last.set(message.partition, message);
        if (count % COMMIT_EVERY === 0 || count === expected) {
          await Promise.all([...last.values()].map((m) => m.commit()));
          last.clear();
        }
        if (count === expected) break;
      }
      await stream.close();
      await consumer.close();
      return bytes;
    },
  };
}

async function kafkajs(root: string): Promise<Client> {
  const { Kafka, logLevel } = createRequire(join(root, 'package.json'))('kafkajs') as KafkaJsModule;
  return {
    name: `kafkajs ${CANDIDATES.kafkajs}`,
    async produce(bootstrap, topic, messages) {
      const producer = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      for (let i = 0; i < messages.length; i += SEND_BATCH) await producer.send({ topic, messages: messages.slice(i, i + SEND_BATCH) });
      await producer.disconnect();
    },
    async consume(bootstrap, topic, group, expected) {
      const consumer = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING }).consumer({ groupId: group });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let count = 0;
      let bytes = 0;
      const seen = new Set<string>();
      const last = new Map<number, string>();
      const commit = () => consumer.commitOffsets([...last].map(([partition, offset]) => ({ topic, partition, offset: (BigInt(offset) + 1n).toString() })));
      await new Promise<void>((done, fail) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              if (count >= expected || !firstRead(seen, partition, message.offset)) return;
              count++;
              bytes += message.value?.length ?? 0;
              last.set(partition, message.offset);
              if (count % COMMIT_EVERY === 0 || count === expected) {
                await commit();
                last.clear();
              }
              if (count === expected) done();
            },
          })
          .catch(fail);
      });
      await consumer.disconnect();
      return bytes;
    },
  };
}

/** Whether this is the first time the message at (partition, offset) is read. */
function firstRead(seen: Set<string>, partition: number, offset: bigint | string): boolean {
  const key = `${partition}:${offset}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T } & Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - start) / 1000, cpuMs: (used.user + used.system) / 1000 };
}

async function createTopic(root: string, bootstrap: string, topic: string): Promise<void> {
  const { Kafka, logLevel } = createRequire(join(root, 'package.json'))('kafkajs') as KafkaJsModule;
  const admin = new Kafka({ clientId: 'bench-admin', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const root = installCandidates();
  const files = readdirSync(DATA).filter((f) => f.endsWith('.avro')).sort();
  const alerts = files.map((f) => ({ key: Buffer.from(f.replace(/\.avro$/, '')), value: readFileSync(join(DATA, f)) }));
  const messages = Array.from({ length: MESSAGES }, (_, i) => alerts[i % alerts.length]!);
  const megabytes = messages.reduce((n, m) => n + m.value.length, 0) / 1e6;
  const clients = [await platformatic(root), await kafkajs(root)];
  const kafka = await LocalKafka.start({ partitions: PARTITIONS });
  const results = new Map<string, { produce: Timing[]; consume: Timing[] }>(clients.map((c) => [c.name, { produce: [], consume: [] }]));
  try {
    console.log(`${MESSAGES.toLocaleString('en')} messages (${megabytes.toFixed(0)} MB: ZTF's 50 raw-2020 alerts, one container file each), topic of ${PARTITIONS} partitions, Kafka at ${kafka.bootstrap}, ${ROUNDS} round(s)${args.smoke ? ' (smoke run: not a measurement)' : ''}`);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? clients : [...clients].reverse();
      for (const [i, client] of order.entries()) {
        const topic = `bench-${round}-${i}`;
        await createTopic(root, kafka.bootstrap, topic);
        const produced = await timed(() => client.produce(kafka.bootstrap, topic, messages));
        const consumed = await timed(() => client.consume(kafka.bootstrap, topic, `group-${round}-${i}`, MESSAGES));
        if (Math.abs(consumed.value / 1e6 - megabytes) > 0.001) throw new Error(`${client.name} consumed ${consumed.value} bytes, not the ${megabytes} MB produced`);
        results.get(client.name)!.produce.push(produced);
        results.get(client.name)!.consume.push(consumed);
        console.error(`  round ${round + 1}: ${client.name}: produce ${produced.seconds.toFixed(2)} s, consume ${consumed.seconds.toFixed(2)} s`);
      }
    }
  } finally {
    await kafka.stop();
  }
  const rows = [['client (medians)', 'produce msgs/s', 'produce MB/s', 'produce CPU ms / 1,000 msgs', 'consume msgs/s', 'consume MB/s', 'consume CPU ms / 1,000 msgs']];
  for (const [name, r] of results) {
    const rate = (ts: Timing[]) => MESSAGES / median(ts.map((t) => t.seconds));
    const cpu = (ts: Timing[]) => (median(ts.map((t) => t.cpuMs)) * 1000) / MESSAGES;
    rows.push([name, rate(r.produce).toFixed(0), ((rate(r.produce) * megabytes) / MESSAGES).toFixed(1), cpu(r.produce).toFixed(1), rate(r.consume).toFixed(0), ((rate(r.consume) * megabytes) / MESSAGES).toFixed(1), cpu(r.consume).toFixed(1)]);
  }
  console.log(consoleTable(rows));
  if (args.smoke) return;
  const machine = machineLine(describeMachine(resolve(here, '../..')));
  const text = [
    '# Kafka clients: the same alert messages produced and consumed by each candidate',
    '',
    `Taken ${new Date().toISOString()} with \`npx tsx bench/kafka/clients.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}\`. ${machine}.`,
    '',
    `${MESSAGES.toLocaleString('en')} messages (${megabytes.toFixed(0)} MB): ZTF's 50 raw-2020 alerts, one Avro container file a message as ZTF's stream carries them, produced in sends of ${SEND_BATCH} into a topic of ${PARTITIONS} partitions of a real Kafka 4.4 (one KRaft node on this machine), then consumed in a group from the earliest offset, each partition's offset committed every ${COMMIT_EVERY.toLocaleString('en')} messages. Candidates in turn, order rotated per round, medians of ${ROUNDS} rounds; CPU is this Node process's (the JVM's left out).`,
    '',
    markdownTable(rows),
    '',
  ].join('\n');
  // results.md also holds pipeline.ts's section, kept as it is.
  writeResultsSection(join(here, 'results.md'), '# Kafka clients', text);
  console.log(`written to ${join(here, 'results.md')}`);
}

await main();
