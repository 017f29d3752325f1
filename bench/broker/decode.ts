/**
 * Avro decoding alone, on the same files in the same run: (a) the project's reader,
 * `openAlertSource` over the folder, records counted; (b) the same through `readAlerts`, each
 * record mapped to the Alert envelope (ids, light curve, cutouts); (c) fastavro's compiled
 * reader in Python over the same files, in a process started per pass (its own clock, so the
 * interpreter's start is left out). Each side is warmed up on the first files; then `runs`
 * rounds, the order rotated per round, and the median of each.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readAlerts } from '../../src/broker/read-alerts.js';
import { openAlertSource } from '../../src/broker/sources/open-alert-source.js';

const run = promisify(execFile);

export const DECODERS = ['records', 'alerts', 'fastavro'] as const;
export type Decoder = (typeof DECODERS)[number];
export const DECODER_LABELS: Record<Decoder, string> = {
  records: 'Aviary: openAlertSource (records)',
  alerts: 'Aviary: readAlerts (Alert envelopes)',
  fastavro: 'Python fastavro.reader',
};

export interface DecodeSet {
  /** A folder of Avro files (or the files); `files` are the same, in the order the folder is read. */
  readonly paths: readonly string[];
  readonly files: readonly string[];
  readonly alerts: number;
  readonly bytes: number;
}

export interface DecodeResult {
  /** Seconds of each pass, per decoder. */
  readonly seconds: Record<Decoder, number[]>;
  readonly fastavro: { version: string; python: string; reader: string };
  readonly runs: number;
}

export interface DecodeStats {
  readonly medianSeconds: number;
  readonly alertsPerSecond: number;
  /** 10^6 bytes of Avro files per second. */
  readonly megabytesPerSecond: number;
}

/** One pass of the project's reader: every record decoded and counted. */
export async function countRecords(paths: readonly string[]): Promise<number> {
  let n = 0;
  for await (const item of openAlertSource(paths)) {
    if (item.kind !== 'alert') throw new Error(`dead letter while decoding: ${item.reason}`);
    n += 1;
  }
  return n;
}

/** One pass through readAlerts: every record decoded and mapped to its envelope. */
export async function countAlerts(paths: readonly string[]): Promise<number> {
  let n = 0;
  for await (const item of readAlerts(openAlertSource(paths))) {
    if ('kind' in item && item.kind === 'dead-letter') throw new Error(`dead letter while decoding: ${item.reason}`);
    n += 1;
  }
  return n;
}

interface FastavroPass {
  records: number;
  seconds: number;
  fastavro: string;
  python: string;
  compiled: string;
}

async function fastavroPass(python: string, listFile: string, warmupFiles: number): Promise<FastavroPass> {
  const { stdout } = await run(python, [join(import.meta.dirname, 'fastavro_decode.py'), listFile, '--warmup-files', String(warmupFiles)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as FastavroPass;
}

export async function decodePhase(set: DecodeSet, python: string, runs: number, scratch: string, say: (line: string) => void): Promise<DecodeResult> {
  const listFile = join(scratch, 'fastavro-files.txt');
  writeFileSync(listFile, `${set.files.join('\n')}\n`);
  const warmup = set.files.slice(0, Math.min(2, set.files.length));
  say(`decoding: warming up on ${warmup.length} file(s)...`);
  for (let i = 0; i < 2; i++) {
    await countRecords(warmup);
    await countAlerts(warmup);
  }
  const seconds: Record<Decoder, number[]> = { records: [], alerts: [], fastavro: [] };
  let info: FastavroPass | undefined;
  for (let r = 0; r < runs; r++) {
    const order = DECODERS.map((_, i) => DECODERS[(i + r) % DECODERS.length]!);
    for (const decoder of order) {
      let count: number;
      let s: number;
      if (decoder === 'fastavro') {
        info = await fastavroPass(python, listFile, warmup.length);
        count = info.records;
        s = info.seconds;
      } else {
        const t0 = performance.now();
        count = decoder === 'records' ? await countRecords(set.paths) : await countAlerts(set.paths);
        s = (performance.now() - t0) / 1000;
      }
      if (count !== set.alerts) throw new Error(`${DECODER_LABELS[decoder]} read ${count} alerts, not ${set.alerts}`);
      seconds[decoder].push(s);
      say(`  round ${r + 1}/${runs}: ${DECODER_LABELS[decoder]}: ${s.toFixed(2)} s (${Math.round(set.alerts / s).toLocaleString('en')} alerts/s)`);
    }
  }
  return { seconds, runs, fastavro: { version: info!.fastavro, python: info!.python, reader: info!.compiled } };
}

export function decodeStats(set: DecodeSet, result: DecodeResult, decoder: Decoder): DecodeStats {
  const sorted = [...result.seconds[decoder]].sort((a, b) => a - b);
  const medianSeconds = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { medianSeconds, alertsPerSecond: set.alerts / medianSeconds, megabytesPerSecond: set.bytes / 1e6 / medianSeconds };
}
