/**
 * The truth a comparison scores against: a labels file as `aviary simulate` writes
 * (`_labels.jsonl`: `{candid, objectId, class}` for ZTF, `{diaSourceId, diaObjectId, class}` for
 * Rubin, ids as exact digits), read line by line into survey and exact id -> class; or an alert
 * field the store reads into each row (`ComparisonRowsOptions.labelField`).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseExactJson } from '../../common/exact-json-parse.js';
import type { Survey } from '../alert.js';
import type { LabelSource } from '../config/broker-config.js';
import type { ComparisonRow } from '../store/alert-store.js';
import type { ComparisonLabels } from './compare-module.js';

const MAX_ID = 2n ** 63n - 1n;

/** Survey and exact id to class. */
export type LabelsById = ReadonlyMap<string, string>;

export function labelKey(survey: Survey, alertId: bigint): string {
  return `${survey}:${alertId}`;
}

/** Errors name the file and line; a line that is blank is skipped. */
export async function readLabelsFile(file: string): Promise<LabelsById> {
  const labels = new Map<string, string>();
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
  try {
    await opened;
  } catch (err) {
    throw new Error(`labels file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}: give the _labels.jsonl \`aviary simulate\` wrote`);
  }
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    const [key, label] = parseLabelLine(text, `${file}:${line}`);
    labels.set(key, label);
  }
  return labels;
}

function parseLabelLine(text: string, where: string): [string, string] {
  let record: unknown;
  try {
    record = parseExactJson(text); // a candid written as a number is past 2^53: read it as BigInt
  } catch {
    throw new Error(`${where}: not a JSON line: expected {"candid": "...", "class": "..."} or {"diaSourceId": "...", "class": "..."}`);
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new Error(`${where}: expected a JSON object with an alert id and its class`);
  const fields = record as Record<string, unknown>;
  if (typeof fields.class !== 'string' || fields.class === '') throw new Error(`${where}: "class" is missing or not text`);
  const survey: Survey | undefined = 'candid' in fields ? 'ztf' : 'diaSourceId' in fields ? 'lsst' : undefined;
  if (!survey) throw new Error(`${where}: no alert id: expected "candid" (ZTF) or "diaSourceId" (Rubin)`);
  const name = survey === 'ztf' ? 'candid' : 'diaSourceId';
  const id = fields[name];
  const digits = typeof id === 'bigint' || (typeof id === 'number' && Number.isSafeInteger(id)) ? String(id) : id;
  if (typeof digits !== 'string' || !/^\d{1,19}$/.test(digits) || BigInt(digits) > MAX_ID) {
    throw new Error(`${where}: "${name}" must be the alert's id, a 64-bit integer (as digits, quoted or not)`);
  }
  return [labelKey(survey, BigInt(digits)), fields.class];
}

/** The comparison's view of a labels file. */
export function labelsFromFile(file: string, labels: LabelsById, positive: string): ComparisonLabels {
  return { source: file, positive, classOf: (row: ComparisonRow) => labels.get(labelKey(row.survey, row.alertId)) };
}

/** The comparison's view of an alert field read into each row: its value as text, unknown when absent or null. */
export function labelsFromField(field: string, positive: string): ComparisonLabels {
  return { source: `field ${field}`, positive, classOf: (row) => (row.label === undefined || row.label === null ? undefined : String(row.label)) };
}

/** The labels of a LabelSource: a file is read now. */
export async function openLabels(source: LabelSource): Promise<ComparisonLabels> {
  return 'file' in source ? labelsFromFile(source.file, await readLabelsFile(source.file), source.positive) : labelsFromField(source.field, source.positive);
}
