/**
 * The training set: labelled ZTF alerts simulated into <data dir>/training/, read back through
 * the broker's own alert source (the .avro files only; the labels sit beside them) and written as Fink flat dicts (what a preprocessing step and
 * a model's `inputs` receive at run time) with their class, one JSON line each, 64-bit ids exact.
 */
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finkAlertDict } from '../broker/fink-alert-dict.js';
import { isDeadLetter, readAlerts } from '../broker/read-alerts.js';
import { LABELS_FILE, writeSimulatedAlerts } from '../broker/simulate/index.js';
import { openAlertSource } from '../broker/sources/open-alert-source.js';
import { parseExactJson } from '../common/exact-json-parse.js';
import { toExactJson } from '../common/exact-json.js';
import type { DemoProgress } from './demo-progress.js';

export const TRAINING_SET_FILE = 'training-set.jsonl';

/** Simulates `count` labelled alerts into `dir` and writes `dir`/training-set.jsonl; returns its path and the count per class. */
export async function writeTrainingSet(dir: string, count: number, seed: number, progress: DemoProgress): Promise<{ file: string; classes: Record<string, number> }> {
  await rm(dir, { recursive: true, force: true }); // a rerun (--retrain) starts from the same alerts
  await writeSimulatedAlerts({
    out: join(dir, 'alerts'),
    n: count,
    seed,
    gzipLevel: 1, // training reads no cutouts
    progressEvery: 1000,
    onProgress: (p) => progress.detail(`simulated ${p.alerts}/${p.of} labelled alerts (${p.seconds.toFixed(1)}s)`),
  });
  const labels = await readLabels(join(dir, 'alerts', LABELS_FILE));
  const file = join(dir, TRAINING_SET_FILE);
  const out = createWriteStream(file);
  const classes: Record<string, number> = {};
  for await (const item of readAlerts(openAlertSource(join(dir, 'alerts', '*.avro')))) {
    if (isDeadLetter(item)) throw new Error(`a simulated training alert could not be read: ${item.reason} (${item.origin.file})`);
    const label = labels.get(String(item.alertId));
    if (!label) throw new Error(`simulated alert ${item.alertId} has no line in ${LABELS_FILE}`);
    classes[label] = (classes[label] ?? 0) + 1;
    if (!out.write(`${toExactJson({ class: label, alert: finkAlertDict(item) }, { nonFinite: 'python' })}\n`)) {
      await new Promise<void>((drained) => out.once('drain', () => drained()));
    }
  }
  await new Promise<void>((done, fail) => {
    out.once('error', fail);
    out.end(() => done());
  });
  return { file, classes };
}

/** candid (as exact digits) to class. */
async function readLabels(file: string): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    const row = parseExactJson(line) as { candid: bigint | number | string; class: string };
    labels.set(String(row.candid), row.class);
  }
  return labels;
}
