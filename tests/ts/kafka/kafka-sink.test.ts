/**
 * Filters publishing to a real Kafka (src/broker/kafka/local-kafka.ts): `aviary broker run` over
 * the real fink-topics-2023 alerts with an ONNX module, one filter per Kafka format, and the same
 * filter into a JSON-lines file as the reference. Each topic is read back by a plain consumer
 * (tests/kafka/read_topic.py): `fink` by fink-client's own AlertConsumer (the schema from the
 * key), `container` by fastavro's container reader, `confluent` by fastavro's schemaless reader
 * with the schema of the id the message names (a schema folder: no Confluent registry can run
 * here). Every message decodes, carries the module's output, and an object's alerts share a partition.
 */
import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINK_TOPICS } from '../../../src/broker/pipeline/pipeline-test-support.js';
import { brokerCommand } from '../../../src/cli/commands/broker-command.js';
import { parseExactJson } from '../../../src/common/exact-json-parse.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';
import { prepareTestModels, type TestModels } from '../../../src/runtime/testing/test-models.js';
import { LocalKafka } from '../../../src/broker/kafka/local-kafka.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../..');
const EXPRESSION = 'cls_score > 0.5 and drb > 0.5';

interface ReadBack {
  readonly partition: number;
  readonly key: string | null;
  readonly candid: string;
  readonly objectId: string;
  readonly fields: Record<string, unknown>;
}

let kafka: LocalKafka;
let models: TestModels;
let python: string;
let work: string;

beforeAll(async () => {
  [kafka, models, python] = await Promise.all([
    LocalKafka.start({ partitions: 3 }),
    prepareTestModels(),
    run('bash', [join(REPO, 'scripts/python-env.sh'), join(REPO, 'tests/kafka/requirements.txt')], { maxBuffer: 1 << 24 }).then(({ stdout }) => join(stdout.trim(), 'bin/python')),
  ]);
  work = await mkdtemp(join(tmpdir(), 'aviary-kafka-sink-'));
}, 600_000);

afterAll(async () => {
  await kafka?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function readBack(topic: string, format: string, count: number, schemas?: string): Promise<ReadBack[]> {
  const { stdout } = await run(python, [join(REPO, 'tests/kafka/read_topic.py'), kafka.bootstrap, topic, format, String(count), ...(schemas ? [schemas] : [])], { maxBuffer: 1 << 26, timeout: 180_000 });
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as ReadBack);
}

describe('a filter publishing to Kafka', () => {
  it('writes fink, container and confluent messages that plain consumers decode, with the module outputs, an object per partition', { timeout: 300_000 }, async () => {
    const admin = new Admin({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap] });
    await admin.createTopics({ topics: ['out-fink', 'out-container', 'out-confluent'], partitions: 3, replicas: 1 });
    await admin.close();
    const url = (topic: string) => `kafka://${kafka.bootstrap}/${topic}`;
    const config = join(work, 'broker.yaml');
    await writeFile(
      config,
      `batch_size: 200
modules:
  - name: cls
    model: ${models.dir}/onnx-classifier
    inputs: [magpsf, sigmapsf, drb, ndethist]
    outputs: {cls_score: probabilities_1}
filters:
  - {name: fink, expression: "${EXPRESSION}", output: "${url('out-fink')}"}
  - {name: container, expression: "${EXPRESSION}", output: "${url('out-container')}", format: container, cutouts: false}
  - {name: confluent, expression: "${EXPRESSION}", output: "${url('out-confluent')}", format: confluent, schema_registry: ./schemas}
  - {name: reference, expression: "${EXPRESSION}", output: out/reference.jsonl}
`,
    );
    const result = await runInProcess(brokerCommand, ['run', '--config', config, '--source', FINK_TOPICS, '--data-dir', join(work, 'data')]);
    expect(result.code, result.stderr).toBe(0);
    const reference = (await readFile(join(work, 'out/reference.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => parseExactJson(line) as { candid: bigint; objectId: string; cls_score: number });
    expect(reference.length).toBeGreaterThan(20);
    expect(result.stdout).toContain(`fink: ${reference.length} matched -> ${url('out-fink')}`);
    const expected = reference.map((r) => `${r.candid} ${r.objectId} ${r.cls_score}`).sort();

    for (const [topic, format] of [['out-fink', 'fink'], ['out-container', 'container'], ['out-confluent', 'confluent']] as const) {
      const messages = await readBack(topic, format, reference.length, format === 'confluent' ? join(work, 'schemas') : undefined);
      expect(messages.map((m) => `${m.candid} ${m.objectId} ${m.fields.cls_score}`).sort(), format).toEqual(expected);
      for (const m of messages) expect(JSON.parse(String(m.fields.aviary_models)), format).toEqual({ cls: { model: expect.stringContaining('onnx-classifier'), version: null } });
      if (format !== 'fink') for (const m of messages) expect(m.key, format).toBe(m.objectId);
      // One object, one partition: its alerts stay in order.
      const partitions = new Map<string, Set<number>>();
      for (const m of messages) partitions.set(m.objectId, (partitions.get(m.objectId) ?? new Set()).add(m.partition));
      for (const [objectId, set] of partitions) expect(set.size, `${format}: ${objectId}`).toBe(1);
      expect(new Set(messages.map((m) => m.partition)).size, format).toBeGreaterThan(1);
    }
  });

  it('fails before reading an alert when the Kafka of an output cannot be reached (exit 1, one line naming the filter)', { timeout: 120_000 }, async () => {
    const config = join(work, 'unreachable.yaml');
    await writeFile(config, `modules: []\nfilters:\n  - {name: nowhere, expression: "drb > 0.5", output: "kafka://127.0.0.1:1/out"}\n`);
    const result = await runInProcess(brokerCommand, ['run', '--config', config, '--source', FINK_TOPICS, '--data-dir', join(work, 'data-unreachable')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/filter nowhere: cannot reach Kafka at 127\.0\.0\.1:1 for topic out/);
    expect(result.stderr.trim().split('\n').filter((l) => l.startsWith('aviary:'))).toHaveLength(1);
  });
});
