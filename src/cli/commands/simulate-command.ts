/** `aviary simulate`: simulated ZTF 4.02 alerts with known classes, for load tests, demos and training. */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { AVRO_WRITE_CODECS, type AvroWriteCodec } from '../../broker/simulate/avro-container-writer.js';
import { parseClassMix } from '../../broker/simulate/class-mix.js';
import { DEFAULT_ALERTS_PER_OBJECT } from '../../broker/simulate/simulate-ztf-alerts.js';
import { LABELS_FILE, writeSimulatedAlerts, type SimulationSummary } from '../../broker/simulate/write-simulated-alerts.js';
import { runCommand } from '../run-command.js';

interface SimulateOptions {
  survey: string;
  n: string;
  out: string;
  seed?: string;
  classes?: string;
  perFile: string;
  codec: AvroWriteCodec;
  alertsPerObject?: string;
  historyDays: string;
  gzipLevel: string;
  quiet?: boolean;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

export function simulateCommand(): Command {
  return new Command('simulate')
    .description(`Write simulated ZTF 4.02 alerts (SN Ia, periodic variables, AGN, bogus; light curves with upper limits; cutouts) as Avro files, with their true classes in ${LABELS_FILE}`)
    .addOption(new Option('--survey <survey>', 'the survey whose alerts to simulate').choices(['ztf']).default('ztf'))
    .requiredOption('--n <count>', 'how many alerts')
    .requiredOption('--out <folder>', 'a new or empty folder for the Avro files and _labels.jsonl')
    .option('--seed <integer>', 'the random seed: the same seed and options give identical files (default: random, printed)')
    .option('--classes <mix>', 'the class shares, e.g. snia=0.3,variable=0.3,agn=0.2,bogus=0.2 (the default)')
    .option('--per-file <k>', 'alerts per Avro file; 1 gives one <candid>.avro per alert like the ZTF archive', '1000')
    .addOption(new Option('--codec <codec>', 'Avro block compression (ZTF itself writes null)').choices([...AVRO_WRITE_CODECS]).default('null'))
    .option('--alerts-per-object <range>', `alerts of each object, a number or a range such as 1-5 (default ${DEFAULT_ALERTS_PER_OBJECT.min}-${DEFAULT_ALERTS_PER_OBJECT.max})`)
    .option('--history-days <days>', 'how far back prv_candidates reach (ZTF: 30)', '30')
    .option('--gzip-level <0-9>', 'gzip level of the cutouts; 0 stores them uncompressed in valid gzip (fastest)', '0')
    .option('--quiet', 'no progress lines')
    .action((opts: SimulateOptions) => runCommand(() => simulate(opts)));
}

async function simulate(opts: SimulateOptions): Promise<void> {
  const n = wholeNumber(opts.n, '--n', 0);
  const summary = await writeSimulatedAlerts({
    n,
    out: resolve(opts.out),
    seed: opts.seed === undefined ? undefined : wholeNumber(opts.seed, '--seed', 0),
    classes: opts.classes === undefined ? undefined : parseClassMix(opts.classes),
    perFile: wholeNumber(opts.perFile, '--per-file', 1),
    codec: opts.codec,
    alertsPerObject: opts.alertsPerObject === undefined ? undefined : parseRange(opts.alertsPerObject),
    historyDays: positiveNumber(opts.historyDays, '--history-days'),
    gzipLevel: wholeNumber(opts.gzipLevel, '--gzip-level', 0),
    progressEvery: Math.max(1000, Math.round(n / 20)),
    onProgress: opts.quiet ? undefined : (p) => say(`${p.alerts}/${p.of} alerts, ${Math.round(p.alerts / p.seconds)} alerts/s`),
  });
  report(summary);
}

function report(s: SimulationSummary): void {
  const classes = Object.entries(s.classes).map(([name, count]) => `${name} ${count}`).join(', ');
  say(`wrote ${s.alerts} alerts in ${s.files} files (${(s.bytes / 1e6).toFixed(1)} MB) to ${s.out} in ${s.seconds.toFixed(1)} s (${Math.round(s.alerts / Math.max(s.seconds, 1e-3))} alerts/s)`);
  say(`classes: ${classes}; labels in ${LABELS_FILE}; seed ${s.seed}`);
}

function wholeNumber(text: string, option: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) throw new Error(`${option} must be a whole number >= ${min}, got "${text}"`);
  return value;
}

function positiveNumber(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${option} must be a number of days above 0, got "${text}"`);
  return value;
}

/** "3" or "1-5". */
export function parseRange(text: string): { min: number; max: number } {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  const min = Number(match?.[1]);
  const max = Number(match?.[2] ?? match?.[1]);
  if (!match || min < 1 || max < min) throw new Error(`--alerts-per-object must be a number >= 1 or a range such as 1-5, got "${text}"`);
  return { min, max };
}
