/**
 * The live-stream acceptance test, on a real Kafka (src/broker/kafka/local-kafka.ts): 20,000
 * simulated ZTF alerts (`aviary simulate --to kafka://`) in a topic of 6 partitions, read
 * by two `aviary broker run` processes of one consumer group into one alert store, with an ONNX
 * module. One process is killed with SIGKILL mid-way (no chance to commit or leave the group)
 * and started again. At the end the store holds every simulated alert exactly once, each with
 * the module's score; the group's committed offsets are the partitions' ends (lag 0).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Consumer } from '@platformatic/kafka';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, type CliProcessResult } from '../../../src/cli/testing/run-cli-process.js';
import { prepareTestModels, type TestModels } from '../../../src/runtime/testing/test-models.js';
import { LocalKafka } from '../../../src/broker/kafka/local-kafka.js';

const ALERTS = 20_000;
const PARTITIONS = 6;
const TOPIC = 'ztf-night';
const GROUP = 'night-brokers';

let kafka: LocalKafka;
let models: TestModels;
let work: string;

beforeAll(async () => {
  [kafka, models, work] = await Promise.all([LocalKafka.start(), prepareTestModels(), mkdtemp(join(tmpdir(), 'aviary-kafka-group-'))]);
}, 600_000);

afterAll(async () => {
  await kafka?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function committedAndEnds(): Promise<{ committed: bigint[]; ends: bigint[] }> {
  const consumer = new Consumer({ clientId: 'test', groupId: GROUP, bootstrapBrokers: [kafka.bootstrap] });
  try {
    const partitions = Array.from({ length: PARTITIONS }, (_, i) => i);
    const committed = (await consumer.listCommittedOffsets({ topics: [{ topic: TOPIC, partitions }] })).get(TOPIC)!;
    const ends = (await consumer.listOffsets({ topics: [TOPIC] })).get(TOPIC)!;
    return { committed: [...committed], ends: [...ends] };
  } finally {
    await consumer.close();
  }
}

describe('two brokers in one consumer group', () => {
  it('store 20,000 alerts exactly once with their scores when one is SIGKILLed mid-way and restarted; offsets committed to the end', { timeout: 900_000 }, async () => {
    const admin = new Admin({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap] });
    await admin.createTopics({ topics: [TOPIC], partitions: PARTITIONS, replicas: 1 });
    await admin.close();
    const labels = join(work, 'labels.jsonl');
    const sent = await runCliProcess(['simulate', '--n', String(ALERTS), '--seed', '13', '--to', `kafka://${kafka.bootstrap}/${TOPIC}`, '--labels', labels], { timeoutMs: 300_000 });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(new RegExp(`^sent ${ALERTS} simulated ZTF alerts`));

    const config = join(work, 'broker.yaml');
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
    const dataDir = join(work, 'data');
    const args = ['broker', 'run', '--config', config, '--data-dir', dataDir, '--source', `kafka://${kafka.bootstrap}/${TOPIC}?group=${GROUP}`, '--idle-timeout', '15', '--json'];
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
    expect(first.signal).toBe('SIGKILL');
    expect(Number(killedAt)).toBeLessThan(ALERTS);
    // Started again: it rejoins the group and takes partitions back.
    const again = runCliProcess(args, { timeoutMs: 600_000, env });
    const [steadyDone, againDone] = await Promise.all([steady, again]);
    for (const done of [steadyDone, againDone]) expect(done.code, done.stderr.slice(-2000)).toBe(0);

    const db = new Sqlite(join(dataDir, 'alerts.db'), { readonly: true });
    try {
      db.defaultSafeIntegers(true);
      const expected = readFileSync(labels, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { candid: string }).candid)
        .sort();
      const stored = (db.prepare('SELECT alert_id FROM alerts ORDER BY alert_id').pluck().all() as bigint[]).map(String).sort();
      expect(stored.length).toBe(ALERTS);
      expect(stored).toEqual(expected);
      const scored = db.prepare("SELECT COUNT(*) FROM alert_scores WHERE module = 'cls' AND json_extract(outputs, '$.cls_score') IS NOT NULL").pluck().get() as bigint;
      expect(Number(scored)).toBe(ALERTS);
    } finally {
      db.close();
    }
    const { committed, ends } = await committedAndEnds();
    expect(ends.reduce((a, b) => a + b, 0n)).toBe(BigInt(ALERTS));
    expect(committed).toEqual(ends);
    const summaries = [steadyDone, againDone].map((d) => JSON.parse(d.stdout) as { stream: { partitions: { lag: number | null }[] } });
    for (const s of summaries) for (const p of s.stream.partitions) expect(p.lag).toBe(0);
  });
});
