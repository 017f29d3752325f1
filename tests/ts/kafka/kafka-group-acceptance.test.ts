/**
 * The live-stream acceptance test, on a real Kafka (src/broker/kafka/local-kafka.ts): simulated
 * ZTF alerts (`aviary simulate --to kafka://`) in a topic of 6 partitions, read by two
 * `aviary broker run` processes of one consumer group into one alert store, with an ONNX
 * module. One process is killed with SIGKILL mid-way (no chance to commit or leave the group)
 * and started again. At the end the store holds every simulated alert exactly once, each with
 * the module's score; the group's committed offsets are the partitions' ends (lag 0). Run on
 * each alert store the brokers can share: the data dir's SQLite file (20,000 alerts), and
 * PostgreSQL (a local cluster, --alert-store-uri; fewer alerts, as its writes cost more here).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Consumer } from '@platformatic/kafka';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, type CliProcessResult } from '../../../src/cli/testing/run-cli-process.js';
import { prepareTestModels, type TestModels } from '../../../src/runtime/testing/test-models.js';
import { LocalKafka } from '../../../src/broker/kafka/local-kafka.js';
import { LocalPostgres } from '../postgres/local-postgres.js';

const PARTITIONS = 6;

let kafka: LocalKafka;
let models: TestModels;
let work: string;
let postgres: LocalPostgres | undefined;

beforeAll(async () => {
  [kafka, models, work] = await Promise.all([LocalKafka.start(), prepareTestModels(), mkdtemp(join(tmpdir(), 'aviary-kafka-group-'))]);
}, 600_000);

afterAll(async () => {
  await Promise.all([kafka?.stop(), postgres?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

/** What the store holds once the brokers are done: every alert id, how many ids are there more than once, how many alerts have the module's score. */
interface Stored {
  readonly ids: string[];
  readonly duplicated: number;
  readonly scored: number;
}

/** An alert store both brokers write: the flags naming it, and what it holds, read with its own SQL. */
interface StoreVariant {
  readonly name: string;
  readonly alerts: number;
  open(dataDir: string): Promise<{ args: string[]; read(): Promise<Stored> }>;
}

const VARIANTS: StoreVariant[] = [
  {
    name: "the data dir's SQLite store",
    alerts: 20_000,
    async open(dataDir) {
      return {
        args: [],
        async read() {
          const db = new Sqlite(join(dataDir, 'alerts.db'), { readonly: true });
          try {
            db.defaultSafeIntegers(true);
            const count = (text: string) => Number(db.prepare(text).pluck().get() as bigint);
            return {
              ids: (db.prepare('SELECT alert_id FROM alerts').pluck().all() as bigint[]).map(String),
              duplicated: count('SELECT count(*) FROM (SELECT 1 FROM alerts GROUP BY survey, alert_id HAVING count(*) > 1)'),
              scored: count("SELECT count(*) FROM alert_scores WHERE module = 'cls' AND json_extract(outputs, '$.cls_score') IS NOT NULL"),
            };
          } finally {
            db.close();
          }
        },
      };
    },
  },
  {
    name: 'one PostgreSQL store',
    alerts: 6_000,
    async open() {
      postgres ??= await LocalPostgres.start();
      const uri = await postgres.createDatabase();
      return {
        args: ['--alert-store-uri', uri],
        async read() {
          const client = new pg.Client({ connectionString: uri });
          await client.connect();
          try {
            const count = async (text: string) => Number((await client.query<{ n: string }>(text)).rows[0]!.n);
            return {
              ids: (await client.query<{ id: string }>('SELECT alert_id::text AS id FROM alerts')).rows.map((r) => r.id),
              duplicated: await count('SELECT count(*) AS n FROM (SELECT 1 FROM alerts GROUP BY survey, alert_id HAVING count(*) > 1) d'),
              scored: await count("SELECT count(*) AS n FROM alerts WHERE jsonb_typeof(scores->'cls'->'cls_score') = 'number'"),
            };
          } finally {
            await client.end();
          }
        },
      };
    },
  },
];

async function committedAndEnds(topic: string, group: string): Promise<{ committed: bigint[]; ends: bigint[] }> {
  const consumer = new Consumer({ clientId: 'test', groupId: group, bootstrapBrokers: [kafka.bootstrap] });
  try {
    const partitions = Array.from({ length: PARTITIONS }, (_, i) => i);
    const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic)!;
    const ends = (await consumer.listOffsets({ topics: [topic] })).get(topic)!;
    return { committed: [...committed], ends: [...ends] };
  } finally {
    await consumer.close();
  }
}

describe.each(VARIANTS.map((variant, i) => ({ ...variant, i })))('two brokers in one consumer group, $name', (variant) => {
  const ALERTS = variant.alerts;
  const TOPIC = `ztf-night-${variant.i}`;
  const GROUP = `night-brokers-${variant.i}`;
  it(`store ${ALERTS.toLocaleString('en-US')} alerts exactly once with their scores when one is SIGKILLed mid-way and restarted; offsets committed to the end`, { timeout: 900_000 }, async () => {
    const admin = new Admin({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap] });
    await admin.createTopics({ topics: [TOPIC], partitions: PARTITIONS, replicas: 1 });
    await admin.close();
    const labels = join(work, `labels-${variant.i}.jsonl`);
    const sent = await runCliProcess(['simulate', '--n', String(ALERTS), '--seed', '13', '--to', `kafka://${kafka.bootstrap}/${TOPIC}`, '--labels', labels], { timeoutMs: 300_000 });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(new RegExp(`^sent ${ALERTS} simulated ZTF alerts`));

    const config = join(work, `broker-${variant.i}.yaml`);
    await writeFile(
      config,
      `batch_size: 500
modules:
  - name: cls
    model: ${models.dir}/onnx-classifier
    inputs: [magpsf, sigmapsf, drb, ndethist]
    outputs: {cls_score: probabilities_1}
follow_registry: 0
`,
    );
    const dataDir = join(work, `data-${variant.i}`);
    const store = await variant.open(dataDir);
    const args = ['broker', 'run', '--config', config, '--data-dir', dataDir, ...store.args, '--source', `kafka://${kafka.bootstrap}/${TOPIC}?group=${GROUP}`, '--idle-timeout', '15', '--json'];
    const env = { ...process.env, AVIARY_SANDBOX: 'off' };
    // Killed once it has stored some (its progress line every 5 s), before it could read its share.
    let killedAt: string | undefined;
    const killed = runCliProcess(args, {
      timeoutMs: 600_000,
      env,
      onStderr: (soFar, child) => {
        const stored = /stored ([1-9]\d*)/.exec(soFar);
        if (stored && !child.killed) {
          killedAt = stored[1];
          child.kill('SIGKILL');
        }
      },
    });
    const steady = runCliProcess(args, { timeoutMs: 600_000, env });
    const first: CliProcessResult = await killed;
    expect(first.signal, `exit ${first.code}: ${first.stderr.slice(-2000)}`).toBe('SIGKILL');
    expect(Number(killedAt)).toBeLessThan(ALERTS);
    // Started again: it rejoins the group and takes partitions back.
    const again = runCliProcess(args, { timeoutMs: 600_000, env });
    const [steadyDone, againDone] = await Promise.all([steady, again]);
    for (const done of [steadyDone, againDone]) expect(done.code, done.stderr.slice(-2000)).toBe(0);

    const expected = readFileSync(labels, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { candid: string }).candid)
      .sort();
    const stored = await store.read();
    expect(stored.ids.length).toBe(ALERTS);
    expect(stored.duplicated).toBe(0);
    expect(stored.ids.sort()).toEqual(expected);
    expect(stored.scored).toBe(ALERTS);
    const { committed, ends } = await committedAndEnds(TOPIC, GROUP);
    expect(ends.reduce((a, b) => a + b, 0n)).toBe(BigInt(ALERTS));
    expect(committed).toEqual(ends);
    const summaries = [steadyDone, againDone].map((d) => JSON.parse(d.stdout) as { stream: { partitions: { lag: number | null }[] } });
    for (const s of summaries) for (const p of s.stream.partitions) expect(p.lag).toBe(0);
  });
});
