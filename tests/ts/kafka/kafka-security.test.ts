/**
 * A broker config's `source:` block and a Kafka output over SASL/SCRAM-SHA-512 in plain text,
 * as Fink's livestream takes it (fink-client's `sasl_plaintext`), on a real Kafka with one user:
 * the topics chosen by a pattern, the password read from the environment variable the config
 * names. A wrong password fails the run with exit 1 and one line, and the password is never
 * printed.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerCommand } from '../../../src/cli/commands/broker-command.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';
import { dataPath } from '../broker/shared-data.js';
import { LocalKafka } from '../../../src/broker/kafka/local-kafka.js';

const RAW = dataPath('ztf/raw-2020');
const files = readdirSync(RAW).filter((f) => f.endsWith('.avro')).sort();
const PASSWORD = randomBytes(12).toString('hex');
const PASSWORD_ENV = 'AVIARY_TEST_KAFKA_PASSWORD';

let kafka: LocalKafka;
let work: string;

beforeAll(async () => {
  kafka = await LocalKafka.start({ partitions: 2, scram: { username: 'alice', password: PASSWORD } });
  work = await mkdtemp(join(tmpdir(), 'aviary-kafka-sasl-'));
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap] });
  await admin.createTopics({ topics: ['ztf-night-a', 'ztf-night-b', 'other'], partitions: 2, replicas: 1 });
  await admin.close();
  const producer = new Producer({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap], idempotent: true });
  // 30 alerts in one topic, 20 in the other, one in a topic the pattern leaves out. Idempotent:
  // a send retried on a loaded machine would otherwise write its batch twice (CI once read 85).
  await producer.send({ messages: files.map((f, i) => ({ topic: i < 30 ? 'ztf-night-a' : 'ztf-night-b', value: readFileSync(join(RAW, f)) })) });
  await producer.send({ messages: [{ topic: 'other', value: readFileSync(join(RAW, files[0]!)) }] });
  await producer.close();
}, 180_000);

afterAll(async () => {
  await kafka?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function config(name: string): string {
  const security = `{protocol: sasl_plaintext, mechanism: SCRAM-SHA-512, username: alice, password_env: ${PASSWORD_ENV}}`;
  return `modules: []
source:
  servers: ${kafka.saslBootstrap}
  pattern: "ztf-night-.*"
  group: ${name}
  security: ${security}
filters:
  - {name: bright, expression: "magpsf < 18", output: "kafka://${kafka.saslBootstrap}/bright-${name}", security: ${security}}
  - {name: reference, expression: "magpsf < 18", output: out-${name}/bright.jsonl}
`;
}

async function endOffsets(topic: string): Promise<number> {
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap] });
  try {
    const offsets = await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }, { partitionIndex: 1, timestamp: -1n }] }] });
    return offsets.flatMap((t) => t.partitions).reduce((sum, p) => sum + Number(p.offset), 0);
  } finally {
    await admin.close();
  }
}

async function runWithPassword(password: string, name: string) {
  const yaml = join(work, `${name}.yaml`);
  await writeFile(yaml, config(name));
  process.env[PASSWORD_ENV] = password;
  try {
    return await runInProcess(brokerCommand, ['run', '--config', yaml, '--data-dir', join(work, name), '--idle-timeout', '6', '--json']);
  } finally {
    delete process.env[PASSWORD_ENV];
  }
}

describe('Kafka over SASL/SCRAM', () => {
  it("reads the config's source (topics by pattern) and publishes its matches as user alice", { timeout: 180_000 }, async () => {
    const result = await runWithPassword(PASSWORD, 'good');
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { alertsRead: number; filters: { name: string; matched: number }[] };
    expect(summary.alertsRead, result.stderr).toBe(files.length);
    const matched = summary.filters.find((f) => f.name === 'bright')!.matched;
    const reference = readFileSync(join(work, 'out-good/bright.jsonl'), 'utf8').trim().split('\n').length;
    expect(matched).toBe(reference);
    expect(matched).toBeGreaterThan(0);
    expect(await endOffsets('bright-good')).toBe(matched);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('fails with exit 1 and one line on a wrong password, which it never prints', { timeout: 180_000 }, async () => {
    const wrong = `${PASSWORD}-wrong`;
    const result = await runWithPassword(wrong, 'bad');
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('aviary:'));
    expect(errors, result.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(/authentication|SASL|SCRAM/i);
    expect(result.stdout + result.stderr).not.toContain(wrong);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});
