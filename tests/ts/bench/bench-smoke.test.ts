/**
 * Benchmarks cannot rot: every bench entry point runs in its --smoke mode as a real process
 * (tiny sizes, every phase once), must exit 0 and print its table, and must leave the committed
 * results.md files as they were. Nothing about speed is asserted. About 80 s of CPU in all, most
 * of it the real `mlflow server` starting (twice: on SQLite, on PostgreSQL) and the three science
 * models training; the first run on a machine also builds the Python environments they need
 * (minutes, once).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const RESULTS = ['bench/runtime/results.md', 'bench/broker/results.md', 'bench/tracking/results.md', 'bench/kafka/results.md'];
/** Generous: on a loaded 2-core machine a missing Python environment alone takes minutes to build. */
const TIMEOUT_MS = 900_000;

async function smoke(script: string, extra: readonly string[] = []): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--smoke', ...extra], {
      cwd: root,
      maxBuffer: 1 << 26,
      timeout: TIMEOUT_MS,
    });
    return stdout;
  } catch (err) {
    const e = err as Error & { code?: number | string; signal?: string; stdout?: string; stderr?: string };
    const tail = (text = '') => text.split('\n').slice(-40).join('\n');
    throw new Error(`${script} --smoke failed (exit ${e.code ?? e.signal}):\n--- stdout\n${tail(e.stdout)}\n--- stderr\n${tail(e.stderr)}`);
  }
}

function fingerprint(): Record<string, string> {
  return Object.fromEntries(RESULTS.map((f) => [f, createHash('sha256').update(readFileSync(`${root}${f}`)).digest('hex')]));
}

/** Each label at the start of a line (a table row or header), in this order. */
function expectRows(stdout: string, labels: readonly string[]): void {
  const lines = stdout.split('\n');
  let from = 0;
  for (const label of labels) {
    const at = lines.findIndex((line, i) => i >= from && line.startsWith(label));
    expect(at, `a line starting "${label}" (after line ${from}) in:\n${stdout}`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}

describe('bench --smoke', () => {
  const before = fingerprint();

  it('bench/broker/hot-path.ts', { timeout: TIMEOUT_MS }, async () => {
    const out = await smoke('bench/broker/hot-path.ts');
    expectRows(out, ['100 ZTF alerts', 'case', 'toExactJson(payload)', 'toExactJson(finkAlertDict), python', 'finkAlertDict', 'filterRecord + 2 filters']);
  });

  it('bench/broker/store-write.ts: SQLite and PostgreSQL, each from the main thread and from a writer thread', { timeout: TIMEOUT_MS }, async () => {
    const out = await smoke('bench/broker/store-write.ts');
    const modes = ['SQLite, main thread', 'SQLite, writer thread', 'PostgreSQL, main thread', 'PostgreSQL, writer thread'];
    expectRows(out, ['hand-over of 50 alerts', ...modes.map((m) => `${m} `), 'mode ', ...modes, 'store (after a round)', 'SQLite', 'PostgreSQL', 'PostgreSQL payload column', 'text', 'json', 'jsonb']);
    for (const mode of modes) expect(out).toMatch(new RegExp(`^${mode}\\s+1\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d,]+\\s+150$`, 'm'));
    expect(out).toMatch(/^PostgreSQL\s+[\d,]+\s+4\.0\s/m);
  });

  it('bench/kafka/clients.ts: each Kafka client candidate produces and consumes real alerts on a real Kafka', { timeout: TIMEOUT_MS }, async () => {
    const out = await smoke('bench/kafka/clients.ts');
    expectRows(out, ['200 messages', 'client (medians)', '@platformatic/kafka', 'kafkajs']);
    expect(out).toMatch(/^client \(medians\)\s+produce msgs\/s\s+produce MB\/s/m);
  });

  it('bench/kafka/pipeline.ts: the broker on Kafka beside files, one process beside two, at steady rates', { timeout: TIMEOUT_MS }, async () => {
    const out = await smoke('bench/kafka/pipeline.ts');
    expectRows(out, [
      '200 simulated ZTF alerts',
      'median of 1 round(s)',
      'alerts/s, first to last batch stored',
      'every run stored the same 200 alert ids',
      'median of 1 round(s)',
      'run ',
      'latency Kafka timestamp -> stored p50, s',
      'kept up',
      'one ONNX module, simulated ZTF alerts',
      'highest rate sustained',
      'smoke run',
    ]);
    expect(out).toMatch(/^median of 1 round\(s\)\s+files\s+Kafka, 6 partitions\s+Kafka \/ files$/m);
    expect(out).toMatch(/^median of 1 round\(s\)\s+one process\s+two processes\s+two \/ one$/m);
  });

  it('bench/runtime/run.ts: the worker (in the model sandbox) beside plain Python and ONNX, every phase', { timeout: TIMEOUT_MS }, async () => {
    const out = await smoke('bench/runtime/run.ts');
    expect(out).toMatch(/^\(b\) Aviary worker: model sandbox: (on|OFF)/m);
    expectRows(out, [
      'smoke run',
      'batch 1: p50 (ms)',
      'batch 1000: samples',
      'ms (medians)',
      '    decode_batch',
      '    DataFrame: one frombuffer over the block',
      'Ping round trip after 10 ms idle',
      'loadModel to a ready worker, cached environment',
      'cold environment build in a fresh cache root',
      '- Batch 1:',
      'written to',
    ]);
    expect(out).toMatch(/\(a\) Python, pyfunc predict\s+\(a'\) Python, sklearn predict\s+\(b\) Aviary worker\s+\(c\) ONNX in-process/);
  });

  it('bench/broker/run.ts: decoding beside fastavro, then end to end with and without modules', { timeout: TIMEOUT_MS }, async () => {
    const out = await smoke('bench/broker/run.ts');
    expectRows(out, [
      'decoding real (200)',
      'Aviary: openAlertSource (records)',
      'Python fastavro.reader',
      'decoding simulated (100)',
      'end to end ',
      'alerts read / stored',
      'modules: scored / dead-lettered',
      'smoke run',
    ]);
    expect(out).toMatch(/^alerts read \/ stored\s+200 \/ 200\s+200 \/ 200\s+100 \/ 100\s+100 \/ 100\s*$/m);
    expect(out).toMatch(/real, 3 modules\s+real, no module\s+simulated, 3 modules\s+simulated, no module/);
    expect(out).not.toMatch(/^(MET|MISSED)/m);
  });

  it('bench/postgres/drivers.ts: pg beside postgres, through Kysely, on a real PostgreSQL', { timeout: TIMEOUT_MS }, async () => {
    const out = await smoke('bench/postgres/drivers.ts');
    expectRows(out, [
      'PostgreSQL ',
      'workload (median of rounds)',
      'single-row INSERT, one at a time (rows/s)',
      'single-row INSERT, 20 in flight (rows/s)',
      '1000-row INSERT (batches/s)',
      '100-row SELECT with two joins (queries/s)',
      '3-statement transaction (transactions/s)',
    ]);
    expect(out).toMatch(/^workload \(median of rounds\)\s+pg\s+postgres\s+postgres \/ pg$/m);
  });

  /** The tracking bench's table, every phase in order, after the line naming the database. */
  const trackingRows = (database: string) => [
    `Aviary vs MLflow, both on ${database}:`,
    'metric ',
    'first answer after start (s, median)',
    'log_metric p50 (ms)',
    'log_batch, 1,000 metrics (rows/s)',
    'create_run + log_batch, sequential (runs/s)',
    'search_runs p50, 100 runs (ms)',
    'RSS after the load (MB)',
    'create model + 3 versions + alias, sequential (models/s)',
    "search_registered_models p50, name LIKE 'model-12%', 30 models (ms)",
    'get_model_version_by_alias p50, 30 models (ms)',
    'RSS after the registry load (MB)',
    'both servers answered every search with the same runs in the same order',
  ];

  it('bench/tracking/run.ts: Aviary and the real mlflow server, every phase', { timeout: TIMEOUT_MS }, async () => {
    const out = await smoke('bench/tracking/run.ts');
    expectRows(out, [...trackingRows('SQLite'), 'smoke run']);
    expect(out).toMatch(/^metric\s+Aviary\s+MLflow\s+ratio$/m);
  });

  it('bench/tracking/run.ts --backend postgres: both servers on one local PostgreSQL, every phase', { timeout: TIMEOUT_MS }, async () => {
    const out = await smoke('bench/tracking/run.ts', ['--backend', 'postgres']);
    expectRows(out, [...trackingRows('PostgreSQL'), 'smoke run']);
    expect(out).not.toMatch(/both on SQLite/);
  });

  it('left every results.md as it was', () => {
    expect(fingerprint()).toEqual(before);
  });
});
