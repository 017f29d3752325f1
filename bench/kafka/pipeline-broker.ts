/**
 * `aviary broker run` as a real process for bench/kafka/pipeline.ts, measured from outside: its
 * process tree's CPU and peak RSS (bench/broker/process-tree.ts), its JSON summary, when it
 * joined its consumer group (its log line, as it came), and from its alert store when the first
 * and the last batch were stored (the `stored_at` of each alert row, one time a batch).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { BrokerSummary } from '../../src/broker/pipeline/broker-run.js';
import { AVIARY_BIN } from '../../src/cli/testing/run-cli-process.js';
import { sampleTree, type TreeUsage } from '../broker/process-tree.js';

/** One ONNX module (in-process: no Python) and one filter writing JSON lines. */
export function writeBrokerConfig(dir: string, modelDir: string, batchSize: number): string {
  const file = join(dir, 'broker.yaml');
  writeFileSync(
    file,
    [
      `batch_size: ${batchSize}`,
      'follow_registry: 0',
      'modules:',
      '  - name: cls',
      `    model: ${modelDir}`,
      '    inputs: [magpsf, sigmapsf, drb, ndethist]',
      '    outputs: {cls_score: probabilities_1}',
      'filters:',
      '  - name: likely_real',
      '    expression: cls_score > 0.9 and drb > 0.5',
      `    output: ${join(dir, 'likely_real.jsonl')}`,
      '',
    ].join('\n'),
  );
  return file;
}

export interface BrokerProcess {
  readonly summary: BrokerSummary;
  readonly usage: TreeUsage;
  /** Date.now() at spawn and at exit. */
  readonly spawnedAt: number;
  readonly exitedAt: number;
  /** Date.now() when it said it joined its group (a Kafka source). */
  readonly joinedAt?: number;
  /** Group joins: more than one means a rebalance. */
  readonly joins: number;
}

export interface RunningBroker {
  /** Resolves once it has joined its consumer group. */
  readonly joined: Promise<void>;
  readonly done: Promise<BrokerProcess>;
}

/**
 * Starts `aviary broker run <args> --json`; `done` rejects with its stderr's end when it fails.
 * `sampleEveryMs`: each sample reads all of /proc (about 15 ms of CPU a second at 100 ms), on
 * the cores the broker is measured on.
 */
export function startBroker(args: readonly string[], sampleEveryMs: number): RunningBroker {
  const spawnedAt = Date.now();
  // The model sandbox confines Python workers only; an ONNX module has none, so its probe is skipped.
  const child = spawn(AVIARY_BIN, ['broker', 'run', ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AVIARY_SANDBOX: 'off' } });
  const sampler = sampleTree(child.pid!, sampleEveryMs);
  let stdout = '';
  let stderr = '';
  let joinedAt: number | undefined;
  let joins = 0;
  let onJoin: () => void = () => {};
  const joined = new Promise<void>((resolve) => (onJoin = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const found = (stderr.match(/Kafka: (re)?joined group/g) ?? []).length;
    if (found > joins) {
      joins = found;
      joinedAt ??= Date.now();
      onJoin();
    }
  });
  const done = new Promise<BrokerProcess>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const usage = sampler.stop();
      const exitedAt = Date.now();
      if (code !== 0) return reject(new Error(`aviary broker run ${args.join(' ')} failed (${code ?? signal}):\n${stderr.split('\n').slice(-20).join('\n')}`));
      const summary = JSON.parse(stdout) as BrokerSummary;
      resolve({ summary, usage, spawnedAt, exitedAt, joins, ...(joinedAt !== undefined ? { joinedAt } : {}) });
    });
  });
  done.catch(() => onJoin()); // a broker that fails before joining must not leave a caller waiting on `joined`
  return { joined, done };
}

export interface StoredSpan {
  /** Distinct alerts in the store. */
  readonly alerts: number;
  /** Date.now() scale: when the first batch and the last batch were stored. */
  readonly first: number;
  readonly last: number;
  /** Alerts stored after the first batch, per second from it to the last: the rate once alerts flow. */
  readonly alertsPerSecond: number;
  /** A digest of the stored alert ids, to show two runs stored the same alerts. */
  readonly idsDigest: string;
}

export function storedSpan(dbFile: string): StoredSpan {
  const db = new Sqlite(dbFile, { readonly: true });
  try {
    db.defaultSafeIntegers(true);
    const row = db.prepare('SELECT count(*) AS n, min(stored_at) AS first, max(stored_at) AS last FROM alerts').get() as { n: bigint; first: string; last: string };
    const inFirst = Number(db.prepare('SELECT count(*) FROM alerts WHERE stored_at = ?').pluck().get(row.first) as bigint);
    const ids = db.prepare('SELECT alert_id FROM alerts ORDER BY alert_id').pluck().all() as bigint[];
    let digest = 0n;
    for (const id of ids) digest = (digest * 1_000_003n + id) % 2n ** 61n;
    const first = Date.parse(row.first);
    const last = Date.parse(row.last);
    const alerts = Number(row.n);
    return { alerts, first, last, alertsPerSecond: last > first ? ((alerts - inFirst) * 1000) / (last - first) : 0, idsDigest: digest.toString(16) };
  } finally {
    db.close();
  }
}
