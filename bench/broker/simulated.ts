/**
 * Simulated ZTF alerts from the project's own simulator (`writeSimulatedAlerts`, the one behind
 * `aviary simulate`), cached under the system's temporary folder by count, seed and a hash of
 * the simulator's sources.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABELS_FILE, writeSimulatedAlerts } from '../../src/broker/simulate/write-simulated-alerts.js';
import { countRecords } from './decode.js';

const repo = join(import.meta.dirname, '../..');
const SIMULATE = join(repo, 'src/broker/simulate');
export const SIMULATED_PREFIX = 'aviary-bench-broker-simulated-';
const SEED = 42;
/** Bumped when the layout of the cached folder changes. */
const LAYOUT = 2;

export interface SimulatedSet {
  /** The folder of Avro files (labels.jsonl sits beside it). */
  readonly dir: string;
  readonly files: readonly string[];
  readonly alerts: number;
  readonly bytes: number;
  readonly builtSeconds: number;
  readonly cached: boolean;
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(SIMULATE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort()) {
    hash.update(name).update(readFileSync(join(SIMULATE, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

function avroFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...avroFilesUnder(path));
    else if (entry.name.endsWith('.avro')) out.push(path);
  }
  return out;
}

export async function simulatedAlerts(count: number, say: (line: string) => void): Promise<SimulatedSet> {
  const dir = join(tmpdir(), `${SIMULATED_PREFIX}${count}-${SEED}-${LAYOUT}-${sourcesHash()}`);
  const stamp = join(dir, '.set.json');
  if (existsSync(stamp)) {
    const files = avroFilesUnder(join(dir, 'alerts'));
    const { alerts } = JSON.parse(readFileSync(stamp, 'utf8')) as { alerts: number };
    return { dir: join(dir, 'alerts'), files, alerts, bytes: files.reduce((n, f) => n + statSync(f).size, 0), builtSeconds: 0, cached: true };
  }
  const scratch = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  const began = performance.now();
  say(`simulating ${count.toLocaleString('en')} ZTF alerts (seed ${SEED}) into ${dir} (once; cached after)...`);
  let alerts = 0;
  try {
    await writeSimulatedAlerts({
      out: join(scratch, 'alerts'),
      n: count,
      seed: SEED,
      progressEvery: Math.max(1000, Math.round(count / 10)),
      onProgress: (p) => say(`  ${p.alerts.toLocaleString('en')} of ${p.of.toLocaleString('en')} simulated (${p.seconds.toFixed(1)} s)`),
    });
    // Counted as the benchmark reads them: the simulator may write a file's alerts in any layout.
    // Labels beside the alerts, not among them: a folder source would read labels.jsonl as alerts.
    renameSync(join(scratch, 'alerts', LABELS_FILE), join(scratch, LABELS_FILE));
    alerts = await countRecords([join(scratch, 'alerts')]);
    writeFileSync(join(scratch, '.set.json'), JSON.stringify({ count, seed: SEED, alerts }));
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const files = avroFilesUnder(join(dir, 'alerts'));
  const builtSeconds = (performance.now() - began) / 1000;
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  say(`simulated in ${builtSeconds.toFixed(1)} s: ${(bytes / 2 ** 20).toFixed(0)} MiB in ${files.length} files`);
  return { dir: join(dir, 'alerts'), files, alerts, bytes, builtSeconds, cached: false };
}
