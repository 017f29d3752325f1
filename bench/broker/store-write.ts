/**
 * The alert store's writeAlerts side by side: SQLite and PostgreSQL (a local cluster,
 * tests/ts/postgres/local-postgres.ts), each written from the main thread and from its writer
 * thread. Batches of real ZTF alerts (fink-topics-2023, read in place, each copy with a new
 * candid `candid + k * 10^12`, exact BigInt) are written into a fresh file or database per
 * mode. For each batch: the main
 * thread's busy time (event loop utilization over the write: what blocks the broker) and the
 * wall time until writeAlerts resolved (the batch committed), as alerts/s and ms per 1000
 * alerts; then what each store holds per alert (bytes on disk, rows). First, what handing a
 * batch to a thread costs the main thread: a structured clone of the Alert objects as they
 * are, against serializing the payloads and transferring one buffer of bytes.
 *
 *   npx tsx bench/broker/store-write.ts [--batches 8] [--batch-size 1000] [--shadows 0] [--max-wait 10] [--smoke]
 *
 * --shadows n: each alert also carries n shadow aliases' outputs of its module (what a module
 * with `shadow: [...]` writes), to see what they cost; 0, the default, writes none.
 *
 * A full run rewrites its section of bench/broker/results.md. --smoke (a check that it still
 * runs, not a measurement): 2 batches of 50, one round, results.md left alone.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serialize } from 'node:v8';
import { performance as nodePerformance } from 'node:perf_hooks';
import { MessageChannel } from 'node:worker_threads';
import pg from 'pg';
import type { Alert } from '../../src/broker/alert.js';
import type { EnrichedAlert } from '../../src/broker/enriched-alert.js';
import { isDeadLetter, readAlerts } from '../../src/broker/read-alerts.js';
import { openAlertSource } from '../../src/broker/sources/open-alert-source.js';
import type { AlertStore } from '../../src/broker/store/alert-store.js';
import { PostgresAlertStore } from '../../src/broker/store/postgres/postgres-alert-store.js';
import { SqliteAlertStore } from '../../src/broker/store/sqlite-alert-store.js';
import { alertWriteRows } from '../../src/broker/store/sqlite/alert-store-writes.js';
import { payloadWithoutCutouts } from '../../src/broker/store/stored-alert-parts.js';
import { packAlertRows } from '../../src/broker/store/sqlite/alert-writer-messages.js';
import { toExactJson } from '../../src/common/exact-json.js';
import { LocalPostgres } from '../../tests/ts/postgres/local-postgres.js';
import { describeMachine, load1, machineLine, waitForQuiet } from '../common/machine.js';
import { writeResultsSection } from '../common/results-section.js';
import { consoleTable, markdownTable } from '../common/tables.js';
import { CANDID_STEP } from './replicate.js';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string' }, 'batch-size': { type: 'string' }, shadows: { type: 'string', default: '0' }, smoke: { type: 'boolean', default: false },
    'max-wait': { type: 'string', default: '10' },
  },
});
const shadows = Number(args.shadows);
if (!Number.isInteger(shadows) || shadows < 0) throw new Error(`--shadows ${args.shadows}: expected a whole number of shadow aliases, 0 or more`);
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
      const score = Number(alert.alertId % 1000n) / 1000;
      const shadowScores = Array.from({ length: shadows }, (_, k) => ({ module: 'bench', alias: `shadow${k + 1}`, model: 'bench', version: String(k + 2), outputs: { score: 1 - score } }));
      return { alert, scores: [{ module: 'bench', model: 'bench', version: '1', outputs: { score } }], ...(shadows > 0 && { shadows: shadowScores }) };
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

/** Per mode and round: the medians over the batches. */
const summary: string[][] = [['mode', 'round', 'main thread busy, ms per 1000 alerts', 'until committed, ms per 1000 alerts', 'alerts/s', 'alerts stored']];
/** Per mode, once: what the store holds per alert. */
const storage: string[][] = [['store (after a round)', 'bytes/alert', 'rows/alert', 'what the bytes are']];

interface OpenedStore {
  readonly store: AlertStore;
  /** What the store holds, once it was closed; its data then removed. */
  sizeAndDispose(alerts: number): Promise<string[]>;
}

interface Mode {
  readonly name: string;
  open(): Promise<OpenedStore>;
}

function sqliteMode(name: string, writerThread: boolean): Mode {
  return {
    name,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'aviary-bench-store-write-'));
      const file = join(dir, 'alerts.db');
      const store = new SqliteAlertStore(file, { writerThread });
      return {
        store,
        async sizeAndDispose(alerts) {
          try {
            const bytes = statSync(file).size; // closed: the write-ahead log is checkpointed into the file
            const rows = alerts * (1 + 1 + shadows + 3); // the alert, its one module's scores, its shadows' outputs, three cutouts
            return ['SQLite', int(bytes / alerts), (rows / alerts).toFixed(1), 'the file: payload as V8 serialization + brotli, cutouts as they came'];
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    },
  };
}

function postgresMode(name: string, writerThread: boolean, server: () => Promise<LocalPostgres>): Mode {
  return {
    name,
    async open() {
      const uri = await (await server()).createDatabase();
      const store = await PostgresAlertStore.open(uri, { writerThread });
      return {
        store,
        async sizeAndDispose(alerts) {
          const postgres = await server();
          const database = new URL(uri).pathname.slice(1);
          const { rows } = await postgres.query(
            `SELECT pg_total_relation_size('alerts') AS alerts, pg_total_relation_size('cutouts') AS cutouts, pg_total_relation_size('shadow_scores') AS shadows,
               (SELECT count(*) FROM alerts) + (SELECT count(*) FROM cutouts) + (SELECT count(*) FROM shadow_scores) AS rows`,
            database,
          );
          const row = rows[0] as { alerts: string; cutouts: string; shadows: string; rows: string };
          const [a, c, s] = [Number(row.alerts), Number(row.cutouts), Number(row.shadows)];
          const what = `alerts ${int(a / alerts)} (row, JSONB payload compressed by TOAST, indexes), cutouts ${int(c / alerts)}${shadows > 0 ? `, shadow outputs ${int(s / alerts)}` : ''}`;
          return ['PostgreSQL', int((a + c + s) / alerts), (Number(row.rows) / alerts).toFixed(1), what];
        },
      };
    },
  };
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');

async function measure(mode: Mode, all: EnrichedAlert[][], round: number, sizes: boolean): Promise<void> {
  const opened = await mode.open();
  const { store } = opened;
  const busy: number[] = [];
  const wall: number[] = [];
  let stored = 0;
  try {
    for (const [i, batch] of all.entries()) {
      const elu = eventLoopUtilization();
      const t0 = performance.now();
      const result = await store.writeAlerts(batch);
      const took = performance.now() - t0;
      const active = eventLoopUtilization(elu).active;
      if (result.inserted !== batch.length) throw new Error(`${mode.name}: batch ${i} inserted ${result.inserted} of ${batch.length}`);
      if (i === 0) continue; // the first batch warms up (and starts the thread)
      busy.push(active);
      wall.push(took);
    }
    stored = await store.countAlerts();
    const perAlert = (x: number) => ms((x * 1000) / batchSize);
    summary.push([mode.name, String(round), perAlert(median(busy)), perAlert(median(wall)), int((batchSize * 1000) / median(wall)), String(stored)]);
    console.log(
      `${mode.name.padEnd(25)} main thread busy: median ${ms(median(busy))} ms/batch = ${perAlert(median(busy))} µs/alert; wall until committed: median ${ms(median(wall))} ms/batch = ${perAlert(median(wall))} µs/alert; ${stored} alerts stored; busy per batch ${busy.map(ms).join(', ')}`,
    );
  } finally {
    await store.close();
    const size = await opened.sizeAndDispose(Math.max(stored, 1));
    if (sizes) storage.push(size);
  }
}

/** The PostgreSQL server's own share: the same payloads' JSON inserted alone into a column of each type. */
const payloadColumns: string[][] = [['PostgreSQL payload column', 'INSERT, ms per 1000 alerts (median)']];

async function payloadColumnCost(server: LocalPostgres, originals: readonly Alert[]): Promise<void> {
  const texts = originals.slice(0, Math.min(batchSize, 500)).map((a) => toExactJson(payloadWithoutCutouts(a.payload)));
  const database = new URL(await server.createDatabase()).pathname.slice(1);
  const client = new pg.Client({ connectionString: server.uri(database) });
  await client.connect();
  try {
    for (const type of ['text', 'json', 'jsonb']) {
      await client.query(`CREATE TABLE payload_${type} (id int, payload ${type} COMPRESSION lz4)`);
      const took: number[] = [];
      for (let r = 0; r < (args.smoke ? 1 : 5); r++) {
        const t0 = performance.now();
        await client.query(`INSERT INTO payload_${type} (id, payload) VALUES ${texts.map((_, i) => `(${r}, $${i + 1})`).join(', ')}`, texts);
        took.push(performance.now() - t0);
      }
      payloadColumns.push([type, ms((median(took) * 1000) / texts.length)]);
    }
  } finally {
    await client.end();
  }
}

let postgres: Promise<LocalPostgres> | undefined;
const cluster = () => (postgres ??= LocalPostgres.start());
const modes = [
  sqliteMode('SQLite, main thread', false),
  sqliteMode('SQLite, writer thread', true),
  postgresMode('PostgreSQL, main thread', false, cluster),
  postgresMode('PostgreSQL, writer thread', true, cluster),
];
/** What a store holds does not depend on the thread writing it: measured once a store. */
const sized = new Set(['SQLite, main thread', 'PostgreSQL, main thread']);
const loadBefore = load1();
const began = performance.now();
try {
  // Other work on the machine skews every number: a full run waits for it to settle (at most --max-wait minutes).
  if (!args.smoke) await waitForQuiet(2, Number(args['max-wait']), (line) => console.log(line));
  const originals = await realAlerts();
  console.log(`${originals.length} distinct real ZTF alerts from ${FOLDER}; ${batches} timed batches of ${batchSize} (after one warm-up) per mode${shadows > 0 ? `, each alert with ${shadows} shadow aliases' outputs` : ''}`);
  const all = batchesOf(originals);
  handOver(all[1]!);
  handOver(all[2]!);
  for (let round = 1; round <= rounds; round++) for (const mode of modes) await measure(mode, all, round, round === 1 && sized.has(mode.name));
  await payloadColumnCost(await cluster(), originals);
  console.log(`\n${consoleTable(summary)}\n\n${consoleTable(storage)}\n\n${consoleTable(payloadColumns)}${args.smoke ? '\n(smoke run: not a measurement)' : ''}`);
  if (!args.smoke) writeSection(originals.length, (performance.now() - began) / 60_000, loadBefore);
} finally {
  await (await postgres)?.stop();
}

function writeSection(distinct: number, minutes: number, loadBefore: number): void {
  const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const section = [
    '# Alert store writes: SQLite and PostgreSQL',
    '',
    `Taken ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} with \`npx tsx bench/broker/store-write.ts --batches ${batches} --batch-size ${batchSize}${shadows > 0 ? ` --shadows ${shadows}` : ''}\` (${minutes.toFixed(1)} min); ${machineLine(describeMachine(repo))}; 1-minute load average ${loadBefore.toFixed(2)} at start, ${load1().toFixed(2)} at the end.`,
    '',
    `The same batches of real ZTF alerts (the ${distinct} distinct alerts of \`ztf/fink-topics-2023\`, copied with candid + k x 10^12, one module's score each${shadows > 0 ? ` and ${shadows} shadow aliases' outputs of it` : ''}, three cutouts each) written by \`writeAlerts\` into a fresh store per mode; ${batches} timed batches of ${batchSize} after one warm-up, ${rounds} rounds, medians. PostgreSQL 15 runs on the same machine (a test cluster: fsync off, so the commit is not waiting on a disk), reached over TCP on 127.0.0.1 through a pool of \`pg\`. "Main thread busy" is what the write costs the broker's main thread; "until committed", the time until writeAlerts resolved (the batch committed). The machine is shared with other work (the load average above): the two rounds show how much that moves the numbers.`,
    '',
    markdownTable(summary),
    '',
    markdownTable(storage),
    '',
    `Where PostgreSQL's time goes: the JSON of ${Math.min(batchSize, 500)} of the same payloads inserted alone, in batches, into a column of each type (lz4 compression as the alert store's). JSONB's input (parsing the text into its binary form) is most of the server's work on an alert: a \`json\` column only checks the text, but every query then parses it again.`,
    '',
    markdownTable(payloadColumns),
  ].join('\n');
  writeResultsSection(join(repo, 'bench/broker/results.md'), '# Alert store writes', section);
}
