/**
 * The main thread's per-alert work, previous version against current, side by side in one
 * process over the real ZTF alerts of fink-topics-2023 (`npx tsx bench/broker/hot-path.ts`):
 * writing a payload (cutouts out) as exact JSON, writing Fink's flat dict for Python, building
 * that dict, building the filter record then running two filters on it, and a preprocessing
 * step's input: the whole dict written against the alert cut to what bench/broker/preprocessing
 * reads (looked up field by field, as the broker sends it once the step's reads are learned). Each round times
 * every case once over all alerts, in alternating order; the median of the rounds is printed,
 * in µs per alert. Both versions' outputs are checked equal first.
 *
 * --smoke (a check that it still runs, not a measurement): the first 100 alerts, one warm-up
 * pass and one round.
 */
import { parseArgs } from 'node:util';
import type { Alert } from '../../src/broker/alert.js';
import { toAlert } from '../../src/broker/alert.js';
import { outputsOf, type ModuleScores } from '../../src/broker/enriched-alert.js';
import { finkAlertDict, finkAlertSource } from '../../src/broker/fink-alert-dict.js';
import { cutSource, projectFields, readSpecOf } from '../../src/runtime/preprocessing/field-reads.js';
import type { FilterRecord } from '../../src/broker/filters/alert-filter.js';
import { filterRecord } from '../../src/broker/filters/filter-record.js';
import { parseFilter } from '../../src/broker/filters/parse-filter.js';
import { openAlertSource } from '../../src/broker/sources/open-alert-source.js';
import { isDeadLetter } from '../../src/broker/read-alerts.js';
import { toExactJson } from '../../src/common/exact-json.js';

const DATA = new URL('../../../shared/data/ztf/fink-topics-2023', import.meta.url).pathname;
const { values: args } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const ROUNDS = args.smoke ? 1 : Number(process.env.ROUNDS ?? 9);
const WARM_UPS = args.smoke ? 1 : 3;
const SMOKE_ALERTS = 100;
const CUTOUTS = new Set(['cutoutScience', 'cutoutTemplate', 'cutoutDifference']);

// ---- The previous version (before the hot-path rewrite), kept for the comparison. ----

function previousToExactJson(value: unknown, options: { nonFinite?: 'null' | 'python' } = {}): string {
  const parts: string[] = [];
  previousWrite(value, parts, options.nonFinite === 'python', new Set());
  return parts.join('');
}

function previousWrite(value: unknown, out: string[], python: boolean, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'number':
      if (Number.isFinite(value)) out.push(JSON.stringify(value));
      else if (!python) out.push('null');
      else out.push(Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'undefined':
    case 'function':
    case 'symbol':
      out.push('null');
      return;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const object = value as object;
  if (object instanceof Uint8Array) {
    out.push(JSON.stringify(Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString('base64')));
    return;
  }
  if (object instanceof Date) {
    out.push(JSON.stringify(Number.isNaN(object.getTime()) ? null : object.toISOString()));
    return;
  }
  if (seen.has(object)) throw new TypeError('cannot write a cyclic structure as JSON');
  seen.add(object);
  if (Array.isArray(object) || ArrayBuffer.isView(object)) {
    out.push('[');
    const items = Array.isArray(object) ? object : Array.from(object as unknown as ArrayLike<number>);
    items.forEach((item, i) => {
      if (i > 0) out.push(',');
      previousWrite(item, out, python, seen);
    });
    out.push(']');
  } else {
    const entries = object instanceof Map ? [...object.entries()] : Object.entries(object);
    out.push('{');
    let first = true;
    for (const [key, item] of entries) {
      if (item === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(String(key)), ':');
      previousWrite(item, out, python, seen);
    }
    out.push('}');
  }
  seen.delete(object);
}

function previousFinkAlertDict(alert: Alert, moduleOutputs: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const payload = alert.payload;
  const dict: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
  const nested = alert.survey === 'ztf' ? 'candidate' : 'diaSource';
  const lists = alert.survey === 'ztf' ? ['prv_candidates'] : ['prvDiaSources', 'prvDiaForcedSources'];
  if (alert.survey === 'ztf') {
    put('objectId', alert.objectId);
    put('candid', alert.alertId);
  } else {
    put('diaObjectId', alert.objectId);
    put('diaSourceId', alert.alertId);
  }
  const current = payload[nested];
  if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
    for (const [key, value] of Object.entries(current)) if (!(key in dict)) put(key, value);
  }
  for (const name of lists) put(name, Array.isArray(payload[name]) ? payload[name] : []);
  for (const [key, value] of Object.entries(payload)) {
    if (key === nested || CUTOUTS.has(key) || lists.includes(key) || key in dict) continue;
    put(key, value);
  }
  for (const [key, value] of Object.entries(moduleOutputs)) put(key, value);
  return dict;
}

function previousFilterRecord(alert: Alert, scores: readonly ModuleScores[]): FilterRecord {
  const record = previousFinkAlertDict(alert, outputsOf(scores));
  const nested = alert.survey === 'ztf' ? 'candidate' : 'diaSource';
  if (!Object.hasOwn(record, nested) && alert.payload[nested] !== undefined) {
    Object.defineProperty(record, nested, { value: alert.payload[nested], enumerable: true, writable: true, configurable: true });
  }
  return record;
}

// ---- The alerts and the cases. ----

const alerts: Alert[] = [];
for await (const item of openAlertSource(DATA)) {
  if (!isDeadLetter(item as never)) alerts.push(toAlert(item as Parameters<typeof toAlert>[0]));
  if (args.smoke && alerts.length === SMOKE_ALERTS) break;
}
const payloads = alerts.map((a) => Object.fromEntries(Object.entries(a.payload).filter(([key]) => !CUTOUTS.has(key))));
const dicts = alerts.map((a) => finkAlertDict(a));
const scores: ModuleScores[] = [{ module: 'snia', model: 'snia', version: '1', outputs: { snia_score: 0.8 } }];
const filters = [parseFilter('ndethist <= 20 and drb > 0.5'), parseFilter("snia_score > 0.7 and candidate.magpsf < 19 and isdiffpos = 't'")];
const python = { nonFinite: 'python' } as const;
/** What bench/broker/preprocessing/preprocessing.py reads, as the worker learns it. */
const reads = readSpecOf({ prv_candidates: { magpsf: {}, jd: {}, fid: {} }, jd: {}, fid: {}, magpsf: {}, sigmapsf: {} })!;

for (let i = 0; i < alerts.length; i++) {
  if (toExactJson(payloads[i]) !== previousToExactJson(payloads[i])) throw new Error(`payload ${i}: the two versions write different JSON`);
  if (toExactJson(dicts[i], python) !== previousToExactJson(dicts[i], python)) throw new Error(`dict ${i}: the two versions write different JSON`);
  if (previousToExactJson(finkAlertDict(alerts[i]!)) !== previousToExactJson(previousFinkAlertDict(alerts[i]!))) throw new Error(`dict ${i}: the two versions build different dicts`);
  if (toExactJson(cutSource(finkAlertSource(alerts[i]!), reads), python) !== toExactJson(projectFields(dicts[i], reads), python)) throw new Error(`dict ${i}: the cut alert differs from the whole dict cut`);
}

let sink = 0;
const matchesOf = (record: FilterRecord) => filters.reduce((n, f) => n + (f.matches(record) ? 1 : 0), 0);
const cases: [string, () => void, () => void][] = [
  ['toExactJson(payload)', () => payloads.forEach((p) => (sink += previousToExactJson(p).length)), () => payloads.forEach((p) => (sink += toExactJson(p).length))],
  ['toExactJson(finkAlertDict), python', () => dicts.forEach((d) => (sink += previousToExactJson(d, python).length)), () => dicts.forEach((d) => (sink += toExactJson(d, python).length))],
  ['finkAlertDict', () => alerts.forEach((a) => (sink += Object.keys(previousFinkAlertDict(a)).length)), () => alerts.forEach((a) => (sink += Object.keys(finkAlertDict(a)).length))],
  [
    'preprocessing input: whole vs cut',
    () => alerts.forEach((a) => (sink += toExactJson(finkAlertDict(a), python).length)),
    () => alerts.forEach((a) => (sink += toExactJson(cutSource(finkAlertSource(a), reads), python).length)),
  ],
  ['filterRecord + 2 filters', () => alerts.forEach((a) => (sink += matchesOf(previousFilterRecord(a, scores)))), () => alerts.forEach((a) => (sink += matchesOf(filterRecord(a, scores))))],
];

const microsPerAlert = (run: () => void) => {
  const start = performance.now();
  run();
  return ((performance.now() - start) * 1000) / alerts.length;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`${alerts.length} ZTF alerts (fink-topics-2023), ${ROUNDS} rounds, median µs per alert${args.smoke ? ' (smoke run: not a measurement)' : ''}\n`);
console.log(`${'case'.padEnd(36)}${'previous'.padStart(10)}${'current'.padStart(10)}${'speed-up'.padStart(10)}`);
for (const [name, previous, current] of cases) {
  for (let warm = 0; warm < WARM_UPS; warm++) previous(), current();
  const before: number[] = [];
  const after: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) before.push(microsPerAlert(previous)), after.push(microsPerAlert(current));
    else after.push(microsPerAlert(current)), before.push(microsPerAlert(previous));
  }
  const [b, a] = [median(before), median(after)];
  console.log(`${name.padEnd(36)}${b.toFixed(1).padStart(10)}${a.toFixed(1).padStart(10)}${`${(b / a).toFixed(2)}x`.padStart(10)}`);
}
if (sink === 0) console.log('(nothing written)');
