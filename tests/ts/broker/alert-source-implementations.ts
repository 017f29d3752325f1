/**
 * Every AlertSource implementation, for the contract suite: each entry builds, in a temp
 * folder, three files of its format from real alerts (a.*, a truncated copy b.*, c.*) and
 * opens a source on the folder. The real files are copied or re-encoded at test time, into the
 * temp folder only.
 */
import { copyFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { avroAlertSource } from '../../../src/broker/sources/avro-alert-source.js';
import type { AlertSource, RawAlertRecord } from '../../../src/broker/sources/alert-source.js';
import { jsonAlertSource } from '../../../src/broker/sources/json-alert-source.js';
import { openAlertSource } from '../../../src/broker/sources/open-alert-source.js';
import { parquetAlertSource } from '../../../src/broker/sources/parquet-alert-source.js';
import { toExactJson } from '../../../src/common/exact-json.js';
import { dataPath } from './shared-data.js';

export interface SourceFixture {
  readonly dir: string;
  /** Alerts expected from each intact file, by file name. */
  readonly counts: Readonly<Record<string, number>>;
  /** The truncated files' names, in reading order. */
  readonly truncated: readonly string[];
}

export interface AlertSourceImplementation {
  readonly name: string;
  /** Writes the fixture files into `dir`. */
  prepare(dir: string): Promise<SourceFixture>;
  open(paths: string | string[]): AlertSource;
}

const RAW_2020 = ['1095578115815010001.avro', '1095578115815010002.avro'].map((f) => dataPath('ztf/raw-2020', f));
const PARQUET = dataPath('parquet/ztf-raw-2019/alerts.parquet');

async function halfCopy(from: string, to: string): Promise<void> {
  const size = (await readFile(from)).length;
  await copyFile(from, to);
  await truncate(to, Math.floor(size / 2));
}

async function prepareAvro(dir: string): Promise<SourceFixture> {
  await mkdir(dir, { recursive: true });
  await copyFile(RAW_2020[0]!, join(dir, 'a.avro'));
  await halfCopy(RAW_2020[1]!, join(dir, 'b.avro'));
  await copyFile(dataPath('ztf/fink-client-2019/avro_multi_alerts.avro'), join(dir, 'c.avro'));
  return { dir, counts: { 'a.avro': 1, 'c.avro': 11 }, truncated: ['b.avro'] };
}

async function prepareParquet(dir: string): Promise<SourceFixture> {
  await mkdir(dir, { recursive: true });
  await copyFile(PARQUET, join(dir, 'a.parquet'));
  await halfCopy(PARQUET, join(dir, 'b.parquet'));
  await copyFile(PARQUET, join(dir, 'c.parquet'));
  return { dir, counts: { 'a.parquet': 51, 'c.parquet': 51 }, truncated: ['b.parquet'] };
}

/** JSON lines re-encoded from real Avro alerts with the exact writer (cutouts as base64). */
async function prepareJson(dir: string): Promise<SourceFixture> {
  await mkdir(dir, { recursive: true });
  const payloads: Readonly<Record<string, unknown>>[] = [];
  for await (const item of avroAlertSource(dataPath('ztf/fink-client-2019/avro_multi_alerts.avro'))) {
    if (item.kind === 'alert') payloads.push((item as RawAlertRecord).payload);
  }
  const lines = payloads.map((p) => toExactJson(p));
  await writeFile(join(dir, 'a.jsonl'), `${lines.slice(0, 3).join('\n')}\n`);
  const truncatedText = `${lines.slice(3, 5).join('\n')}\n${lines[5]!.slice(0, 5000)}`;
  await writeFile(join(dir, 'b.jsonl'), truncatedText);
  await writeFile(join(dir, 'c.jsonl'), `${lines.slice(6, 8).join('\n')}\n`);
  return { dir, counts: { 'a.jsonl': 3, 'b.jsonl': 2, 'c.jsonl': 2 }, truncated: ['b.jsonl'] };
}

/** One folder holding every format, read by openAlertSource. */
async function prepareMixed(dir: string): Promise<SourceFixture> {
  const avro = await prepareAvro(join(dir, 'avro'));
  const json = await prepareJson(join(dir, 'json'));
  await copyFile(PARQUET, join(dir, 'p.parquet'));
  const counts = { ...avro.counts, ...json.counts, 'p.parquet': 51 };
  return { dir, counts, truncated: [...avro.truncated, ...json.truncated] };
}

export const ALERT_SOURCE_IMPLEMENTATIONS: readonly AlertSourceImplementation[] = [
  { name: 'avroAlertSource', prepare: prepareAvro, open: avroAlertSource },
  { name: 'parquetAlertSource', prepare: prepareParquet, open: parquetAlertSource },
  { name: 'jsonAlertSource', prepare: prepareJson, open: jsonAlertSource },
  { name: 'openAlertSource', prepare: prepareMixed, open: openAlertSource },
];
