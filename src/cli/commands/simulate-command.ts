/** `aviary simulate`: simulated ZTF 4.02 or Rubin lsst.v10_0 alerts with known classes, for load tests, demos and training. */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { AVRO_WRITE_CODECS, type AvroWriteCodec } from '../../broker/simulate/avro-container-writer.js';
import { parseClassMix } from '../../broker/simulate/class-mix.js';
import { SIMULATED_SURVEYS, type SimulatedSurvey } from '../../broker/simulate/simulate-alerts.js';
import { LSST_HISTORY_DAYS } from '../../broker/simulate/simulate-lsst-alerts.js';
import { DEFAULT_ALERTS_PER_OBJECT } from '../../broker/simulate/simulation-options.js';
import { LABELS_FILE, writeSimulatedAlerts, type SimulationProgress, type SimulationSummary, type WriteSimulationOptions } from '../../broker/simulate/write-simulated-alerts.js';
import { runCommand } from '../run-command.js';

interface SimulateOptions {
  survey: SimulatedSurvey;
  n: string;
  out: string;
  seed?: string;
  classes?: string;
  perFile: string;
  codec: AvroWriteCodec;
  alertsPerObject?: string;
  historyDays?: string;
  gzipLevel?: string;
  quiet?: boolean;
}

const ZTF_HISTORY_DAYS = 30;

const say = (line: string) => process.stderr.write(`${line}\n`);

export function simulateCommand(): Command {
  return new Command('simulate')
    .description(`Write simulated ZTF 4.02 or Rubin lsst.v10_0 alerts (SN Ia, periodic variables, AGN, bogus; light curves with their history, ZTF's with upper limits, both with forced photometry; cutouts) as Avro files, with their true classes in ${LABELS_FILE}`)
    .addOption(new Option('--survey <survey>', 'the survey whose alerts to simulate: ztf (ZTF 4.02) or lsst (Rubin lsst.v10_0)').choices(SIMULATED_SURVEYS).default('ztf'))
    .requiredOption('--n <count>', 'how many alerts')
    .requiredOption('--out <folder>', 'a new or empty folder for the Avro files and _labels.jsonl')
    .option('--seed <integer>', 'the random seed: the same seed and options give identical files (default: random, printed)')
    .option('--classes <mix>', 'the class shares, e.g. snia=0.3,variable=0.3,agn=0.2,bogus=0.2 (the default)')
    .option('--per-file <k>', 'alerts per Avro file; 1 gives one <candid>.avro (Rubin: <diaSourceId>.avro) per alert like the ZTF archive', '1000')
    .addOption(new Option('--codec <codec>', 'Avro block compression (ZTF and Rubin write null)').choices([...AVRO_WRITE_CODECS]).default('null'))
    .option('--alerts-per-object <range>', `alerts of each object, a number or a range such as 1-5 (default ${DEFAULT_ALERTS_PER_OBJECT.min}-${DEFAULT_ALERTS_PER_OBJECT.max})`)
    .option('--history-days <days>', `how far back each alert's history reaches (default: ZTF ${ZTF_HISTORY_DAYS}, Rubin ${LSST_HISTORY_DAYS}, as they send)`)
    .option('--gzip-level <0-9>', "ZTF only: gzip level of the cutouts; 0 (the default) stores them uncompressed in valid gzip, fastest (Rubin's cutouts are plain FITS)")
    .option('--quiet', 'no progress lines')
    .action((opts: SimulateOptions) => runCommand(() => simulate(opts)));
}

async function simulate(opts: SimulateOptions): Promise<void> {
  const n = wholeNumber(opts.n, '--n', 0);
  const common = {
    n,
    out: resolve(opts.out),
    seed: opts.seed === undefined ? undefined : wholeNumber(opts.seed, '--seed', 0),
    classes: opts.classes === undefined ? undefined : parseClassMix(opts.classes),
    perFile: wholeNumber(opts.perFile, '--per-file', 1),
    codec: opts.codec,
    alertsPerObject: opts.alertsPerObject === undefined ? undefined : parseRange(opts.alertsPerObject),
    historyDays: opts.historyDays === undefined ? undefined : positiveNumber(opts.historyDays, '--history-days'),
    progressEvery: Math.max(1000, Math.round(n / 20)),
    onProgress: opts.quiet ? undefined : (p: SimulationProgress) => say(`${p.alerts}/${p.of} alerts, ${Math.round(p.alerts / p.seconds)} alerts/s`),
  };
  report(await writeSimulatedAlerts(surveyOptions(opts, common)));
}

function surveyOptions(opts: SimulateOptions, common: Omit<WriteSimulationOptions, 'survey'>): WriteSimulationOptions {
  if (opts.survey === 'lsst') {
    if (opts.gzipLevel !== undefined) throw new Error("--gzip-level applies to ZTF's gzipped cutouts: Rubin's are plain FITS");
    return { ...common, survey: 'lsst' };
  }
  return { ...common, survey: 'ztf', gzipLevel: opts.gzipLevel === undefined ? 0 : wholeNumber(opts.gzipLevel, '--gzip-level', 0) };
}

function report(s: SimulationSummary): void {
  const classes = Object.entries(s.classes).map(([name, count]) => `${name} ${count}`).join(', ');
  const survey = s.survey === 'lsst' ? 'Rubin lsst.v10_0' : 'ZTF 4.02';
  say(`wrote ${s.alerts} ${survey} alerts in ${s.files} files (${(s.bytes / 1e6).toFixed(1)} MB) to ${s.out} in ${s.seconds.toFixed(1)} s (${Math.round(s.alerts / Math.max(s.seconds, 1e-3))} alerts/s)`);
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
