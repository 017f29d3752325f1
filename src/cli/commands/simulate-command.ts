/** `aviary simulate`: simulated ZTF 4.02 or Rubin lsst.v10_0 alerts with known classes, for load tests, demos and training. */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { AVRO_WRITE_CODECS, type AvroWriteCodec } from '../../broker/simulate/avro-container-writer.js';
import { parseClassMix } from '../../broker/simulate/class-mix.js';
import type { OutgoingAlert } from '../../broker/kafka/alert-message-encoder.js';
import { alertSchemaText, labelOf, simulateAlerts, SIMULATED_SURVEYS, type SimulateAlertsOptions, type SimulatedSurvey } from '../../broker/simulate/simulate-alerts.js';
import { LSST_HISTORY_DAYS } from '../../broker/simulate/simulate-lsst-alerts.js';
import { DEFAULT_ALERTS_PER_OBJECT } from '../../broker/simulate/simulation-options.js';
import { LABELS_FILE, writeSimulatedAlerts, type SimulationProgress, type SimulationSummary, type WriteSimulationOptions } from '../../broker/simulate/write-simulated-alerts.js';
import { addPublishOptions, publishAlerts, publishSettings, type PublishFlags } from '../publish-options.js';
import { runCommand } from '../run-command.js';

interface SimulateOptions extends PublishFlags {
  survey: SimulatedSurvey;
  n?: string;
  out?: string;
  labels?: string;
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
  const command = new Command('simulate')
    .description(`Write simulated ZTF 4.02 or Rubin lsst.v10_0 alerts (SN Ia, periodic variables, AGN, bogus; light curves with their history, ZTF's with upper limits, both with forced photometry; cutouts) as Avro files, with their true classes in ${LABELS_FILE}`)
    .addOption(new Option('--survey <survey>', 'the survey whose alerts to simulate: ztf (ZTF 4.02) or lsst (Rubin lsst.v10_0)').choices(SIMULATED_SURVEYS).default('ztf'))
    .option('--n <count>', 'how many alerts (with --to, --rate and --duration: rate x duration)')
    .option('--out <folder>', 'a new or empty folder for the Avro files and _labels.jsonl')
    .option('--seed <integer>', 'the random seed: the same seed and options give identical files (default: random, printed)')
    .option('--classes <mix>', 'the class shares, e.g. snia=0.3,variable=0.3,agn=0.2,bogus=0.2 (the default)')
    .option('--per-file <k>', 'alerts per Avro file; 1 gives one <candid>.avro (Rubin: <diaSourceId>.avro) per alert like the ZTF archive', '1000')
    .addOption(new Option('--codec <codec>', 'Avro block compression (ZTF and Rubin write null)').choices([...AVRO_WRITE_CODECS]).default('null'))
    .option('--alerts-per-object <range>', `alerts of each object, a number or a range such as 1-5 (default ${DEFAULT_ALERTS_PER_OBJECT.min}-${DEFAULT_ALERTS_PER_OBJECT.max})`)
    .option('--history-days <days>', `how far back each alert's history reaches (default: ZTF ${ZTF_HISTORY_DAYS}, Rubin ${LSST_HISTORY_DAYS}, as they send)`)
    .option('--gzip-level <0-9>', "ZTF only: gzip level of the cutouts; 0 (the default) stores them uncompressed in valid gzip, fastest (Rubin's cutouts are plain FITS)")
    .option('--quiet', 'no progress lines')
    .option('--labels <file>', `with --to: write each alert's true class here (the lines of ${LABELS_FILE})`);
  return addPublishOptions(command, false).action((opts: SimulateOptions) => runCommand(() => (opts.to === undefined ? simulate(opts) : simulateLive(opts, opts.to))));
}

/** `--to kafka://...`: a live night, each alert published as its survey streams it, at `--rate` for `--duration`. */
async function simulateLive(opts: SimulateOptions, to: string): Promise<void> {
  if (opts.out !== undefined) throw new Error('--out and --to: simulate into files or onto a Kafka topic, not both');
  const { ratePerSecond, durationMs } = publishSettings(opts);
  const n = opts.n !== undefined ? wholeNumber(opts.n, '--n', 1) : ratePerSecond !== undefined && durationMs !== undefined ? Math.ceil((ratePerSecond * durationMs) / 1000) : undefined;
  if (n === undefined) throw new Error('--to: say how many alerts (--n), or a --rate and a --duration');
  const seed = opts.seed === undefined ? undefined : wholeNumber(opts.seed, '--seed', 0);
  const surveyOpts = surveyOptions(opts, {
    n,
    seed,
    classes: opts.classes === undefined ? undefined : parseClassMix(opts.classes),
    alertsPerObject: opts.alertsPerObject === undefined ? undefined : parseRange(opts.alertsPerObject),
    historyDays: opts.historyDays === undefined ? undefined : positiveNumber(opts.historyDays, '--history-days'),
  } as Omit<WriteSimulationOptions, 'survey'>);
  const labels = opts.labels === undefined ? undefined : await open(resolve(opts.labels), 'w');
  const schemaText = alertSchemaText(opts.survey);
  async function* alerts(): AsyncGenerator<OutgoingAlert> {
    let lines: string[] = [];
    for (const alert of simulateAlerts({ ...surveyOpts, survey: opts.survey } as SimulateAlertsOptions)) {
      if (labels) {
        lines.push(`${JSON.stringify(labelOf(alert))}\n`);
        if (lines.length >= 1000) (await labels.write(lines.join('')), (lines = []));
      }
      yield { payload: alert.record, schemaText, survey: alert.survey, objectId: String(alert.objectId), body: alert.body };
    }
    if (labels && lines.length > 0) await labels.write(lines.join(''));
  }
  try {
    const sent = await publishAlerts(alerts(), { ...opts, to });
    process.stdout.write(`sent ${sent.sent} simulated ${opts.survey === 'lsst' ? 'Rubin' : 'ZTF'} alerts to ${to} in ${sent.seconds.toFixed(1)} s (${sent.alertsPerSecond.toFixed(1)} alerts/s)\n`);
  } finally {
    await labels?.close();
  }
}

async function simulate(opts: SimulateOptions): Promise<void> {
  if (opts.n === undefined) throw new Error("required option '--n <count>' not specified");
  if (opts.out === undefined) throw new Error("--out <folder> or --to kafka://host:port/topic: say where the alerts go");
  for (const [flag, given] of [['--rate', opts.rate], ['--duration', opts.duration], ['--schema-registry', opts.schemaRegistry], ['--labels', opts.labels]] as const) {
    if (given !== undefined) throw new Error(`${flag} is for --to kafka://...: files are written as fast as they can be`);
  }
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
