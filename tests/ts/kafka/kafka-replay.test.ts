/**
 * `aviary replay` into a real Kafka (src/broker/kafka/local-kafka.ts), read back by `aviary broker
 * run`: the real Rubin alerts of ../shared/data/rubin in Confluent wire format (schemas in a
 * stand-in registry over HTTP, and in a folder), stored with survey lsst, the exact ids and the
 * light curves of an independent decode (fastavro); the real ZTF alerts as container messages
 * at a given rate; simulated Rubin alerts published by `aviary simulate --to`; and the command's
 * failures as exit 1 with one line.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAlert } from '../../../src/broker/alert.js';
import { openAlertStore } from '../../../src/broker/store/open-alert-store.js';
import { brokerCommand } from '../../../src/cli/commands/broker-command.js';
import { replayCommand } from '../../../src/cli/commands/replay-command.js';
import { simulateCommand } from '../../../src/cli/commands/simulate-command.js';
import { runInProcess } from '../../../src/cli/testing/run-in-process.js';
import { dataPath, decodeIndependently } from '../broker/shared-data.js';
import { LocalKafka } from '../../../src/broker/kafka/local-kafka.js';
import { SchemaRegistryServer } from './schema-registry-server.js';

const RUBIN = [dataPath('rubin/raw-v9_0'), dataPath('rubin/fink-enriched-2026')];
const ZTF = dataPath('ztf/raw-2020');

let kafka: LocalKafka;
let registry: SchemaRegistryServer;
let work: string;

beforeAll(async () => {
  [kafka, registry] = await Promise.all([LocalKafka.start({ partitions: 2 }), SchemaRegistryServer.start()]);
  work = await mkdtemp(join(tmpdir(), 'aviary-kafka-replay-'));
  await writeFile(join(work, 'broker.yaml'), 'modules: []\nfilters: []\nfollow_registry: 0\n');
}, 180_000);

afterAll(async () => {
  await kafka?.stop();
  await registry?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const replay = (...args: string[]) => runInProcess(replayCommand, args);
const broker = (...args: string[]) => runInProcess(brokerCommand, args);

async function readInto(dataDir: string, topic: string, schemaRegistry?: string) {
  const result = await broker('run', '--config', join(work, 'broker.yaml'), '--data-dir', dataDir, '--source', `kafka://${kafka.bootstrap}/${topic}?group=g`, '--idle-timeout', '6s', '--json', ...(schemaRegistry ? ['--schema-registry', schemaRegistry] : []));
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { alertsRead: number; sourceDeadLetters: number };
}

describe('aviary replay', () => {
  it('pushes the real Rubin alerts in Confluent wire format; the broker stores them as lsst with exact ids and their light curves', { timeout: 240_000 }, async () => {
    const decoded = await decodeIndependently(RUBIN.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.avro')).map((f) => join(dir, f))));
    expect(decoded.length).toBe(107);
    const folder = join(work, 'schemas');
    for (const [topic, where] of [['rubin-http', registry.url], ['rubin-folder', folder]] as const) {
      const sent = await replay(...RUBIN, '--to', `kafka://${kafka.bootstrap}/${topic}`, '--schema-registry', where);
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stdout).toMatch(/^sent 107 alerts to kafka:\/\//);

      const dataDir = join(work, `data-${topic}`);
      const summary = await readInto(dataDir, topic, where);
      expect([summary.alertsRead, summary.sourceDeadLetters]).toEqual([107, 0]);
      const store = await openAlertStore(`sqlite:///${join(dataDir, 'alerts.db')}`);
      try {
        for (const expected of decoded) {
          const stored = await store.getAlert(BigInt(expected.id), 'lsst');
          expect(stored?.survey, expected.id).toBe('lsst');
          expect(String(stored!.objectId)).toBe(expected.objectId ?? 'null');
          const alert = toAlert({ kind: 'alert', payload: stored!.payload, origin: { file: topic, format: 'avro', index: 0 } });
          expect(alert.lightCurve, expected.id).toHaveLength(expected.history + 1);
        }
      } finally {
        await store.close();
      }
    }
    // Two schemas (v9.0, v10.0 + Fink's), each registered once and fetched by the broker by id.
    expect(registry.schemas).toHaveLength(2);
    expect(registry.requests.filter((r) => r.startsWith('GET /schemas/ids/'))).toHaveLength(2);
    expect((await readdir(folder)).sort()).toEqual(['1.avsc', '2.avsc']);
  });

  it('pushes ZTF alerts as one container a message at the rate asked, and again with --repeat', { timeout: 180_000 }, async () => {
    const files = readdirSync(ZTF).filter((f) => f.endsWith('.avro'));
    const sent = await replay(ZTF, '--to', `kafka://${kafka.bootstrap}/ztf-replay`, '--rate', '100/s', '--repeat', '2');
    expect(sent.code, sent.stderr).toBe(0);
    const [, count, seconds] = /^sent (\d+) alerts .* in ([\d.]+) s/.exec(sent.stdout) ?? [];
    expect(Number(count)).toBe(files.length * 2);
    // 100 alerts at 100/s cannot go out in less than about a second.
    expect(Number(seconds)).toBeGreaterThanOrEqual(0.9);
    const summary = await readInto(join(work, 'data-ztf'), 'ztf-replay');
    expect(summary.alertsRead).toBe(files.length * 2);
  });

  it('`aviary simulate --survey lsst --to` publishes simulated Rubin alerts in Confluent wire format, read back with their exact ids', { timeout: 180_000 }, async () => {
    const labels = join(work, 'lsst-labels.jsonl');
    const folder = join(work, 'lsst-schemas');
    const sent = await runInProcess(simulateCommand, ['--survey', 'lsst', '--n', '120', '--seed', '5', '--to', `kafka://${kafka.bootstrap}/lsst-sim`, '--schema-registry', folder, '--labels', labels, '--rate', '400']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/^sent 120 simulated Rubin alerts/);
    const dataDir = join(work, 'data-lsst-sim');
    expect(await readInto(dataDir, 'lsst-sim', folder)).toMatchObject({ alertsRead: 120, sourceDeadLetters: 0 });
    const expected = (await readFile(labels, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { diaSourceId: string }).diaSourceId);
    expect(new Set(expected).size).toBe(120);
    const store = await openAlertStore(`sqlite:///${join(dataDir, 'alerts.db')}`);
    try {
      for (const id of expected) expect((await store.getAlert(BigInt(id), 'lsst'))?.survey, id).toBe('lsst');
    } finally {
      await store.close();
    }
  });

  it('fails with exit 1 and one line: no registry for Rubin, a bad rate, no Kafka there', { timeout: 120_000 }, async () => {
    const cases: [string[], RegExp][] = [
      [[RUBIN[0]!, '--to', `kafka://${kafka.bootstrap}/x`], /Confluent wire format, which needs a schema registry: give --schema-registry/],
      [[ZTF, '--to', `kafka://${kafka.bootstrap}/x`, '--rate', 'fast'], /--rate fast: expected alerts per second/],
      [[ZTF, '--to', 'kafka://127.0.0.1:1/x'], /cannot reach Kafka at 127\.0\.0\.1:1 for topic x/],
      [[join(work, 'missing'), '--to', `kafka://${kafka.bootstrap}/x`], /missing/],
    ];
    for (const [args, reason] of cases) {
      const result = await replay(...args);
      expect(result.code, args.join(' ')).toBe(1);
      const errors = result.stderr.split('\n').filter((l) => l.startsWith('aviary:'));
      expect(errors, result.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(reason);
    }
  });
});
