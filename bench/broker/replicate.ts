/**
 * Real ZTF alerts replicated to any count: every alert of the input folders is decoded once,
 * then written again and again with a new candid (`candid + k * 10^12` for copy k, exact
 * BigInt, in both `candid` and `candidate.candid`), into Avro container files of 1,000 alerts
 * (blocks of 100, no codec, each file holding its inputs' own writer schema unchanged). Every
 * candid is checked unique. The set is cached under the system's temporary folder, keyed by a
 * hash of the input files' bytes and the settings, and built aside then renamed into place.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertTypeFor } from '../../src/broker/sources/avro/avro-alert-type.js';
import { openAlertSource } from '../../src/broker/sources/open-alert-source.js';

/** Bumped when the layout of the replicated files changes, so old caches are not reused. */
const LAYOUT = 1;
const PREFIX = 'aviary-bench-broker-alerts-';
export const CANDID_STEP = 10n ** 12n;

export interface ReplicaSettings {
  /** Folders of real alerts (Avro), read in place. */
  readonly inputs: readonly string[];
  readonly alerts: number;
  readonly perFile: number;
  readonly perBlock: number;
}

export interface ReplicatedSet {
  readonly dir: string;
  readonly files: readonly string[];
  readonly alerts: number;
  readonly bytes: number;
  /** Distinct alerts in the inputs (by candid). */
  readonly originals: number;
  /** Input alerts left out: the same candid as one read before. */
  readonly duplicates: number;
  /** Copies of the inputs at most (the last one partial). */
  readonly copies: number;
  /** Distinct input alerts per schema name, e.g. {"ztf.alert": 50, "topLevelRecord": 520}. */
  readonly schemas: Readonly<Record<string, number>>;
  readonly inputBytes: number;
  /** Seconds the build took (0 when the cache was used). */
  readonly builtSeconds: number;
  readonly cached: boolean;
}

interface Original {
  readonly group: number;
  readonly payload: Record<string, unknown>;
}

export function inputFiles(inputs: readonly string[]): string[] {
  return inputs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.avro'))
      .sort()
      .map((f) => join(dir, f)),
  );
}

function cacheKey(settings: ReplicaSettings): string {
  const hash = createHash('sha256').update(JSON.stringify({ LAYOUT, alerts: settings.alerts, perFile: settings.perFile, perBlock: settings.perBlock }));
  for (const file of inputFiles(settings.inputs)) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** Every replicated set this benchmark left in the temporary folder (for --clean). */
export function cachedSets(): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith(PREFIX))
    .map((name) => join(tmpdir(), name));
}

export async function replicatedAlerts(settings: ReplicaSettings, say: (line: string) => void): Promise<ReplicatedSet> {
  const dir = join(tmpdir(), `${PREFIX}${settings.alerts}-${cacheKey(settings)}`);
  const stamp = join(dir, 'set.json');
  if (existsSync(stamp)) {
    return { ...(JSON.parse(readFileSync(stamp, 'utf8')) as Omit<ReplicatedSet, 'dir' | 'files' | 'cached' | 'builtSeconds'>), dir, files: avroFilesOf(dir), cached: true, builtSeconds: 0 };
  }
  const began = performance.now();
  say(`replicating ${settings.inputs.join(', ')} to ${settings.alerts.toLocaleString('en')} alerts in ${dir} (once; cached after)...`);
  const scratch = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    const built = await build(settings, scratch);
    writeFileSync(join(scratch, 'set.json'), JSON.stringify(built, null, 2));
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
    const builtSeconds = (performance.now() - began) / 1000;
    say(`replicated in ${builtSeconds.toFixed(1)} s: ${built.alerts.toLocaleString('en')} alerts, ${(built.bytes / 2 ** 20).toFixed(0)} MiB in ${avroFilesOf(dir).length} files`);
    return { ...built, dir, files: avroFilesOf(dir), cached: false, builtSeconds };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function avroFilesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.avro'))
    .sort()
    .map((f) => join(dir, f));
}

async function build(settings: ReplicaSettings, out: string): Promise<Omit<ReplicatedSet, 'dir' | 'files' | 'cached' | 'builtSeconds'>> {
  // Decode every input alert once, grouped by writer schema (a container file holds one schema).
  const schemaTexts: string[] = [];
  const schemaNames: string[] = [];
  const originals: Original[] = [];
  const schemas: Record<string, number> = {};
  const files = inputFiles(settings.inputs);
  const distinct = new Set<bigint>();
  let duplicates = 0;
  for await (const item of openAlertSource(files)) {
    if (item.kind !== 'alert') throw new Error(`input alert unreadable: ${item.reason}`);
    // The same alert can sit in several input files (Fink sends one alert to several topics).
    const candid = replicaCandid(item.payload, 0);
    if (distinct.has(candid)) {
      duplicates += 1;
      continue;
    }
    distinct.add(candid);
    const text = JSON.stringify(item.writerSchema);
    let group = schemaTexts.indexOf(text);
    if (group < 0) {
      group = schemaTexts.push(text) - 1;
      schemaNames.push(item.schemaName ?? `schema ${group}`);
    }
    schemas[schemaNames[group]!] = (schemas[schemaNames[group]!] ?? 0) + 1;
    originals.push({ group, payload: item.payload as Record<string, unknown> });
  }
  if (originals.length === 0) throw new Error(`no alerts in ${settings.inputs.join(', ')}`);

  mkdirSync(out, { recursive: true });
  const writers = schemaTexts.map((text, group) => new ContainerFileWriter(out, `g${group}`, text, settings.perFile, settings.perBlock));
  const seen = new Set<bigint>();
  let written = 0;
  let copy = 0;
  while (written < settings.alerts) {
    for (const original of originals) {
      if (written >= settings.alerts) break;
      const candid = replicaCandid(original.payload, copy);
      if (seen.has(candid)) throw new Error(`replicated candid ${candid} is not unique (copy ${copy})`);
      seen.add(candid);
      writers[original.group]!.add(withCandid(original.payload, candid));
      written += 1;
    }
    copy += 1;
  }
  for (const w of writers) w.close();
  const bytes = avroFilesOf(out).reduce((n, f) => n + statSync(f).size, 0);
  const inputBytes = files.reduce((n, f) => n + statSync(f).size, 0);
  return { alerts: written, bytes, originals: originals.length, duplicates, copies: copy, schemas, inputBytes };
}

export function replicaCandid(payload: Readonly<Record<string, unknown>>, copy: number): bigint {
  const candid = payload.candid ?? (payload.candidate as Record<string, unknown> | undefined)?.candid;
  if (typeof candid !== 'bigint') throw new Error(`an input alert has no BigInt candid (${typeof candid})`);
  return candid + BigInt(copy) * CANDID_STEP;
}

function withCandid(payload: Record<string, unknown>, candid: bigint): Record<string, unknown> {
  const candidate = payload.candidate as Record<string, unknown>;
  return { ...payload, candid, candidate: { ...candidate, candid } };
}

/** Avro container files of one schema: `perFile` records a file, `perBlock` a block, no codec. */
class ContainerFileWriter {
  private readonly type;
  private readonly header: Buffer;
  private readonly sync = randomBytes(16);
  private pending: Buffer[] = [];
  private fd: number | undefined;
  private inFile = 0;
  private fileIndex = 0;

  constructor(
    private readonly dir: string,
    private readonly tag: string,
    schemaText: string,
    private readonly perFile: number,
    private readonly perBlock: number,
  ) {
    this.type = alertTypeFor(schemaText).type;
    const meta: [string, Buffer][] = [
      ['avro.schema', Buffer.from(schemaText)],
      ['avro.codec', Buffer.from('null')],
    ];
    this.header = Buffer.concat([Buffer.from('Obj\x01', 'latin1'), zigzag(meta.length), ...meta.flatMap(([k, v]) => [withLength(Buffer.from(k)), withLength(v)]), zigzag(0), this.sync]);
  }

  add(record: unknown): void {
    if (this.fd === undefined) {
      this.fd = openSync(join(this.dir, `alerts-${this.tag}-${String(this.fileIndex).padStart(5, '0')}.avro`), 'w');
      writeSync(this.fd, this.header);
    }
    this.pending.push(this.type.toBuffer(record));
    this.inFile += 1;
    if (this.pending.length >= this.perBlock) this.flushBlock();
    if (this.inFile >= this.perFile) this.closeFile();
  }

  close(): void {
    this.closeFile();
  }

  private flushBlock(): void {
    if (this.pending.length === 0 || this.fd === undefined) return;
    const data = Buffer.concat(this.pending);
    writeSync(this.fd, Buffer.concat([zigzag(this.pending.length), zigzag(data.length), data, this.sync]));
    this.pending = [];
  }

  private closeFile(): void {
    this.flushBlock();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.inFile = 0;
    this.fileIndex += 1;
  }
}

function zigzag(n: number): Buffer {
  const bytes: number[] = [];
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    bytes.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  bytes.push(z);
  return Buffer.from(bytes);
}

function withLength(b: Buffer): Buffer {
  return Buffer.concat([zigzag(b.length), b]);
}
