/**
 * The alert store's writeAlerts, in the main thread and with the writer thread, side by side:
 * batches of real ZTF alerts (fink-topics-2023, read in place, each copy with a new candid
 * `candid + k * 10^12`, exact BigInt) written into a fresh SQLite file per mode. For each
 * batch: the main thread's busy time (event loop utilization over the write: what blocks the
 * broker) and the wall time until writeAlerts resolved (the batch committed). First, what
 * handing a batch to a thread costs the main thread: a structured clone of the Alert objects
 * as they are, against serializing the payloads and transferring one buffer of bytes.
 *
 *   npx tsx bench/broker/store-write.ts [--batches 8] [--batch-size 1000] [--smoke]
 *
 * --smoke (a check that it still runs, not a measurement): 2 batches of 50, one round.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serialize } from 'node:v8';
import { performance as nodePerformance } from 'node:perf_hooks';
import { MessageChannel } from 'node:worker_threads';
import type { Alert } from '../../src/broker/alert.js';
import type { EnrichedAlert } from '../../src/broker/enriched-alert.js';
import { isDeadLetter, readAlerts } from '../../src/broker/read-alerts.js';
import { openAlertSource } from '../../src/broker/sources/open-alert-source.js';
import { SqliteAlertStore } from '../../src/broker/store/sqlite-alert-store.js';
import { alertWriteRows } from '../../src/broker/store/sqlite/alert-store-writes.js';
import { packAlertRows } from '../../src/broker/store/sqlite/alert-writer-messages.js';
import { consoleTable } from '../common/tables.js';
import { CANDID_STEP } from './replicate.js';

const { values: args } = parseArgs({
  options: { batches: { type: 'string' }, 'batch-size': { type: 'string' }, smoke: { type: 'boolean', default: false } },
});
const batches = Number(args.batches ?? (args.smoke ? 2 : 8));
const batchSize = Number(args['batch-size'] ?? (args.smoke ? 50 : 1000));
const rounds = args.smoke ? 1 : 2;
const eventLoopUtilization = nodePerformance.eventLoopUtilization;
const FOLDER = '/work/shared/data/ztf/fink-topics-2023';

async function realAlerts(): Promise<Alert[]> {
  const seen = new Set<bigint>();
  const alerts: Alert[] = [];
  for await (const item of readAlerts(openAlertSource(FOLDER))) {
    if (isDeadLetter(item) || seen.has(item.alertId)) continue;
    seen.add(item.alertId);
    alerts.push(item);
  }
  return alerts;
}

/** Copy k of an alert: its candid moved by k * 10^12, in the envelope and in the payload. */
function copyOf(alert: Alert, k: number): Alert {
  if (k === 0) return alert;
  const alertId = alert.alertId + BigInt(k) * CANDID_STEP;
  const candidate = alert.payload.candidate as Record<string, unknown> | undefined;
  return { ...alert, alertId, payload: { ...alert.payload, candid: alertId, ...(candidate ? { candidate: { ...candidate, candid: alertId } } : {}) } };
}

function batchesOf(originals: readonly Alert[]): EnrichedAlert[][] {
  const out: EnrichedAlert[][] = [];
  for (let b = 0; b < batches + 1; b++) {
    out.push(Array.from({ length: batchSize }, (_, i) => {
      const n = b * batchSize + i;
      const alert = copyOf(originals[n % originals.length]!, Math.floor(n / originals.length));
      return { alert, scores: [{ module: 'bench', model: 'bench', version: '1', outputs: { score: Number(alert.alertId % 1000n) / 1000 } }] };
    }));
  }
  return out;
}

const ms = (t: number) => t.toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function handOver(batch: EnrichedAlert[]): void {
  const { port1, port2 } = new MessageChannel();
  const t0 = performance.now();
  port1.postMessage(batch.map((e) => e.alert));
  const cloned = performance.now() - t0;
  const t1 = performance.now();
  const rows = alertWriteRows(batch, new Date().toISOString(), serialize);
  const buffer = packAlertRows(rows);
  const bytes = buffer.byteLength;
  port1.postMessage(rows, [buffer]);
  const packed = performance.now() - t1;
  const t2 = performance.now();
  port1.postMessage(alertWriteRows(batch, new Date().toISOString(), (payload) => payload as unknown as Uint8Array));
  const rowsCloned = performance.now() - t2;
  port1.close();
  port2.close();
  console.log(`hand-over of ${batch.length} alerts, main thread: structured clone of the Alert objects ${ms(cloned)} ms (${ms((cloned * 1000) / batch.length)} µs/alert); rows with serialized payloads in one transferred buffer (${(bytes / 1e6).toFixed(1)} MB) ${ms(packed)} ms (${ms((packed * 1000) / batch.length)} µs/alert); rows with the payload objects unserialized, cloned (Buffers in a payload would arrive as Uint8Array, so not what the store sends) ${ms(rowsCloned)} ms (${ms((rowsCloned * 1000) / batch.length)} µs/alert)`);
}

/** Per mode and round: the medians, µs per alert. */
const summary: string[][] = [['mode (medians, µs/alert)', 'main thread busy', 'wall until committed', 'alerts stored']];

async function measure(name: string, writerThread: boolean, all: EnrichedAlert[][]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'aviary-bench-store-write-'));
  const store = new SqliteAlertStore(join(dir, 'alerts.db'), { writerThread });
  const busy: number[] = [];
  const wall: number[] = [];
  try {
    for (const [i, batch] of all.entries()) {
      const elu = eventLoopUtilization();
      const t0 = performance.now();
      const result = await store.writeAlerts(batch);
      const took = performance.now() - t0;
      const active = eventLoopUtilization(elu).active;
      if (result.inserted !== batch.length) throw new Error(`${name}: batch ${i} inserted ${result.inserted} of ${batch.length}`);
      if (i === 0) continue; // the first batch warms up (and starts the thread)
      busy.push(active);
      wall.push(took);
    }
    const stored = await store.countAlerts();
    const perAlert = (x: number) => ms((x * 1000) / batchSize);
    summary.push([name, perAlert(median(busy)), perAlert(median(wall)), String(stored)]);
    console.log(
      `${name.padEnd(13)} main thread busy: median ${ms(median(busy))} ms/batch = ${perAlert(median(busy))} µs/alert; wall until committed: median ${ms(median(wall))} ms/batch = ${perAlert(median(wall))} µs/alert; ${stored} alerts stored; busy per batch ${busy.map(ms).join(', ')}`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const originals = await realAlerts();
console.log(`${originals.length} distinct real ZTF alerts from ${FOLDER}; ${batches} timed batches of ${batchSize} (after one warm-up) per mode`);
const all = batchesOf(originals);
handOver(all[1]!);
handOver(all[2]!);
for (let round = 1; round <= rounds; round++) {
  await measure('in-thread', false, all);
  await measure('writer thread', true, all);
}
console.log(`\n${consoleTable(summary)}${args.smoke ? '\n(smoke run: not a measurement)' : ''}`);
