/**
 * Writes simulated ZTF or Rubin alerts to a folder: Avro container files of `perFile` alerts each
 * (one alert a file is the layout of ZTF's archive, named `<candid>.avro` or `<diaSourceId>.avro`),
 * and `_labels.jsonl`, one line per alert with its true class: ZTF
 * {"candid":"<exact digits>","objectId":...,"class":...}, Rubin
 * {"diaSourceId":"<exact digits>","diaObjectId":"<exact digits>","class":...}.
 * The leading underscore makes alert readers skip it (like Spark's `_SUCCESS`), so the folder
 * can be given as it is to `aviary broker` or any alert source.
 * The folder must be new or empty: a run never mixes with or overwrites an earlier one.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolders } from '../../common/make-folders.js';
import { AvroContainerWriter, type AvroWriteCodec } from './avro-container-writer.js';
import { SIMULATED_CLASSES, type SimulatedClass } from './light-curve-model.js';
import { SeededRandom } from './seeded-random.js';
import { type SimulateAlertsOptions, type SimulatedSurvey, alertSchemaText, labelOf, simulateAlerts } from './simulate-alerts.js';
import type { LsstSimulationOptions } from './simulate-lsst-alerts.js';
import type { ZtfSimulationOptions } from './simulate-ztf-alerts.js';
import { simulationSeed } from './simulation-options.js';

export const LABELS_FILE = '_labels.jsonl';

/** A survey's options (ZTF when none is named) and where and how to write. */
export type WriteSimulationOptions = (({ readonly survey?: 'ztf' } & ZtfSimulationOptions) | ({ readonly survey: 'lsst' } & LsstSimulationOptions)) & FileOptions;

interface FileOptions {
  readonly out: string;
  /** Alerts per Avro file (default 1000). */
  readonly perFile?: number;
  readonly codec?: AvroWriteCodec;
  /** Called every `progressEvery` alerts (default 10,000). */
  readonly onProgress?: (progress: SimulationProgress) => void;
  readonly progressEvery?: number;
}

export interface SimulationProgress {
  readonly alerts: number;
  readonly of: number;
  readonly seconds: number;
}

export interface SimulationSummary {
  readonly survey: SimulatedSurvey;
  readonly out: string;
  readonly seed: number;
  readonly files: number;
  readonly alerts: number;
  readonly classes: Readonly<Record<SimulatedClass, number>>;
  /** Bytes of the Avro files (_labels.jsonl not included). */
  readonly bytes: number;
  readonly seconds: number;
}

export async function writeSimulatedAlerts(options: WriteSimulationOptions): Promise<SimulationSummary> {
  const perFile = options.perFile ?? 1000;
  if (!Number.isSafeInteger(perFile) || perFile < 1) throw new Error(`alerts per file must be a whole number >= 1, got ${perFile}`);
  const codec = options.codec ?? 'null';
  const simulation = withSurvey(options, simulationSeed(options));
  const { survey, seed } = simulation;
  const schemaText = alertSchemaText(survey);
  await prepareFolder(options.out);
  const started = performance.now();
  const syncs = new SeededRandom(seed ^ 0x5a7f1e);
  const classes = Object.fromEntries(SIMULATED_CLASSES.map((c) => [c, 0])) as Record<SimulatedClass, number>;
  const labels = await open(join(options.out, LABELS_FILE), 'wx');
  let writer: AvroContainerWriter | undefined;
  let files = 0;
  let bytes = 0;
  let alerts = 0;
  let labelLines: string[] = [];
  const closeFile = async () => {
    if (!writer) return;
    await writer.close();
    bytes += writer.bytes;
    writer = undefined;
    await labels.write(labelLines.join(''));
    labelLines = [];
  };
  try {
    for (const alert of simulateAlerts(simulation)) {
      if (!writer) {
        const name = perFile === 1 ? `${alert.id}.avro` : `alerts-${String(files).padStart(6, '0')}.avro`;
        const sync = Buffer.from(Uint32Array.from({ length: 4 }, () => syncs.uint32()).buffer);
        writer = await AvroContainerWriter.create(join(options.out, name), schemaText, codec, sync);
        files += 1;
      }
      await writer.append(alert.body);
      labelLines.push(`${JSON.stringify(labelOf(alert))}\n`);
      classes[alert.class] += 1;
      alerts += 1;
      if (alerts % perFile === 0) await closeFile();
      if (options.onProgress && alerts % (options.progressEvery ?? 10_000) === 0) {
        options.onProgress({ alerts, of: options.n, seconds: (performance.now() - started) / 1000 });
      }
    }
    await closeFile();
  } finally {
    await writer?.close();
    await labels.close();
  }
  return { survey, out: options.out, seed, files, alerts, classes, bytes, seconds: (performance.now() - started) / 1000 };
}

function withSurvey(options: WriteSimulationOptions, seed: number): SimulateAlertsOptions & { seed: number } {
  return options.survey === 'lsst' ? { ...options, seed } : { ...options, survey: 'ztf', seed };
}

async function prepareFolder(out: string): Promise<void> {
  await makeFolders(out);
  const entries = await readdir(out);
  if (entries.length > 0) {
    throw new Error(`the output folder ${out} is not empty (${entries.length} entries): choose a new or empty folder, simulate never overwrites`);
  }
}
