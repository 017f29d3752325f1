/**
 * Writes simulated ZTF alerts to a folder: Avro container files of `perFile` alerts each (one
 * alert a file is the layout of ZTF's archive, named `<candid>.avro`), and `_labels.jsonl`, one
 * line per alert with its true class: {"candid":"<exact digits>","objectId":...,"class":...}.
 * The leading underscore makes alert readers skip it (like Spark's `_SUCCESS`), so the folder
 * can be given as it is to `aviary broker` or any alert source.
 * The folder must be new or empty: a run never mixes with or overwrites an earlier one.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolders } from '../../common/make-folders.js';
import { alertTypeFor } from '../sources/avro/avro-alert-type.js';
import { AvroContainerWriter, type AvroWriteCodec } from './avro-container-writer.js';
import { SIMULATED_CLASSES, type SimulatedClass } from './light-curve-model.js';
import { SeededRandom } from './seeded-random.js';
import { generateZtfAlerts, simulationSeed, type SimulationOptions } from './simulate-ztf-alerts.js';
import { ZTF_ALERT_SCHEMA_TEXT } from './ztf-alert-schema.js';

export const LABELS_FILE = '_labels.jsonl';

export interface WriteSimulationOptions extends SimulationOptions {
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
  const seed = simulationSeed(options);
  await prepareFolder(options.out);
  const started = performance.now();
  const type = alertTypeFor(ZTF_ALERT_SCHEMA_TEXT).type;
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
    for (const { record, label } of generateZtfAlerts({ ...options, seed })) {
      if (!writer) {
        const name = perFile === 1 ? `${label.candid}.avro` : `alerts-${String(files).padStart(6, '0')}.avro`;
        const sync = Buffer.from(Uint32Array.from({ length: 4 }, () => syncs.uint32()).buffer);
        writer = await AvroContainerWriter.create(join(options.out, name), ZTF_ALERT_SCHEMA_TEXT, codec, sync);
        files += 1;
      }
      await writer.append(type.toBuffer(record));
      labelLines.push(`${JSON.stringify({ candid: String(label.candid), objectId: label.objectId, class: label.class })}\n`);
      classes[label.class] += 1;
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
  return { out: options.out, seed, files, alerts, classes, bytes, seconds: (performance.now() - started) / 1000 };
}

async function prepareFolder(out: string): Promise<void> {
  await makeFolders(out);
  const entries = await readdir(out);
  if (entries.length > 0) {
    throw new Error(`the output folder ${out} is not empty (${entries.length} entries): choose a new or empty folder, simulate never overwrites`);
  }
}
