import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAlert, type Alert } from '../alert.js';
import { openAlertSource } from '../sources/open-alert-source.js';
import { expectClassShares, median } from './testing/simulation-checks.js';
import { LABELS_FILE, writeSimulatedAlerts, type SimulationSummary } from './write-simulated-alerts.js';

const N = 200;
const MIX = { snia: 0.4, variable: 0.3, agn: 0.1, bogus: 0.2 };
let root: string;
let summary: SimulationSummary;
let alerts: Alert[];
let labels: { candid: string; objectId: string; class: string }[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aviary-simulate-'));
  summary = await writeSimulatedAlerts({ n: N, out: join(root, 'a'), seed: 2024, classes: MIX, perFile: 64, codec: 'deflate' });
  alerts = [];
  for await (const item of openAlertSource(join(root, 'a'))) {
    if (item.kind !== 'alert') throw new Error(`dead letter: ${item.reason}`);
    alerts.push(toAlert(item));
  }
  labels = (await readFile(join(root, 'a', LABELS_FILE), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
});

afterAll(() => rm(root, { recursive: true, force: true }));

const classOf = (alert: Alert) => labels.find((l) => l.candid === String(alert.alertId))!.class;
const detections = (alert: Alert) => alert.lightCurve.filter((p) => p.kind === 'detection');
/** Each object's last alert: its longest light curve. */
const lastAlerts = (cls: string) => [...new Map(alerts.filter((a) => classOf(a) === cls).map((a) => [a.objectId, a])).values()];

describe('writeSimulatedAlerts read back with the project reader', () => {
  it('writes every alert, in ceil(n / perFile) files, all decodable', async () => {
    expect(alerts).toHaveLength(N);
    expect(summary).toMatchObject({ alerts: N, files: Math.ceil(N / 64), seed: 2024 });
    expect((await readdir(join(root, 'a'))).filter((f) => f.endsWith('.avro'))).toHaveLength(Math.ceil(N / 64));
  });

  it('gives every alert a unique 64-bit candid beyond 2^53, the same in the labels file, and ZTF object ids', () => {
    const ids = alerts.map((a) => a.alertId);
    expect(new Set(ids).size).toBe(N);
    for (const id of ids) expect(id > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(labels.map((l) => l.candid)).toEqual(ids.map(String));
    for (const a of alerts) expect(a.objectId).toMatch(/^ZTF\d{2}[a-z]{7}$/);
    expect(new Set(alerts.map((a) => a.objectId)).size).toBeLessThan(N); // objects give several alerts
  });

  it('labels the classes in the requested shares', () => {
    expectClassShares(labels, MIX, N);
  });

  it('builds light curves from history (detections and upper limits), forced photometry and the candidate', () => {
    for (const a of alerts) {
      const payload = a.payload as { prv_candidates: unknown[] | null; fp_hists: unknown[] | null };
      expect(a.lightCurve).toHaveLength((payload.prv_candidates?.length ?? 0) + (payload.fp_hists?.length ?? 0) + 1);
    }
    const limits = alerts.flatMap((a) => a.lightCurve.filter((p) => p.kind === 'upper-limit'));
    expect(limits.length).toBeGreaterThan(N);
    for (const l of limits) expect(l.limitingMagnitude).toBeGreaterThan(18);
    expect(alerts.filter((a) => a.lightCurve.some((p) => p.kind === 'forced')).length).toBeGreaterThan(N / 5);
  });

  it('shows an object history growing alert after alert', () => {
    const byObject = new Map<unknown, Alert[]>();
    for (const a of alerts) byObject.set(a.objectId, [...(byObject.get(a.objectId) ?? []), a]);
    const multi = [...byObject.values()].filter((list) => list.length > 1);
    expect(multi.length).toBeGreaterThan(5);
    for (const list of multi) {
      for (let i = 1; i < list.length; i++) {
        expect(list[i]!.time).toBeGreaterThan(list[i - 1]!.time);
        if (list[i]!.time - list[i - 1]!.time > 30) continue; // beyond the 30-day history
        const earlier = new Set(list[i]!.lightCurve.filter((p) => p.kind === 'detection').map((p) => p.id));
        expect(earlier.has(list[i - 1]!.alertId)).toBe(true);
      }
    }
  });

  it('gives SNe Ia a rise then a decline: the peak is inside the light curve for most', () => {
    const curves = lastAlerts('snia').map(detections).filter((d) => d.length >= 5);
    expect(curves.length).toBeGreaterThan(5);
    const inside = curves.filter((d) => {
      const mags = d.map((p) => p.magnitude!.value!);
      const peak = mags.indexOf(Math.min(...mags));
      return peak > 0 && peak < mags.length - 1;
    });
    expect(inside.length / curves.length).toBeGreaterThan(0.6);
  });

  it('gives variables scatter well beyond their errors, and real sources higher drb than bogus', () => {
    const curves = lastAlerts('variable').map(detections).filter((d) => d.length >= 5);
    expect(curves.length).toBeGreaterThan(3);
    const varying = curves.filter((d) => {
      const mags = d.map((p) => p.magnitude!.value!);
      const mean = mags.reduce((s, m) => s + m, 0) / mags.length;
      const sd = Math.sqrt(mags.reduce((s, m) => s + (m - mean) ** 2, 0) / mags.length);
      const errors = d.map((p) => p.magnitude!.error!).sort((x, y) => x - y);
      return sd > 2 * errors[Math.floor(errors.length / 2)]!;
    });
    expect(varying.length / curves.length).toBeGreaterThan(0.6);
    const drb = (cls: string) => median(alerts.filter((a) => classOf(a) === cls).map((a) => (a.payload.candidate as { drb: number }).drb));
    expect(drb('snia')).toBeGreaterThan(0.8);
    expect(drb('bogus')).toBeLessThan(0.3);
  });

  it('carries three 63x63 FITS cutouts with a source, and difference = science - template', () => {
    for (const a of alerts.slice(0, 40)) {
      const [science, template, difference] = [a.cutouts.science, a.cutouts.template, a.cutouts.difference].map((c) => readFits(gunzipSync(c!.bytes)));
      for (const image of [science!, template!, difference!]) expect(spread(image)).toBeGreaterThan(0);
      let worst = 0;
      for (let i = 0; i < science!.length; i++) worst = Math.max(worst, Math.abs(science![i]! - template![i]! - difference![i]!));
      expect(worst).toBeLessThan(1e-2);
      if (classOf(a) !== 'bogus') expect(Math.abs(difference![31 * 63 + 31]!)).toBeGreaterThan(0); // the source sits at the centre
    }
  });
});

describe('writeSimulatedAlerts reproducibility', () => {
  it('writes identical bytes for the same seed, one <candid>.avro per alert with --per-file 1', async () => {
    const run = (dir: string, seed: number) => writeSimulatedAlerts({ n: 12, out: join(root, dir), seed, perFile: 1 });
    await run('s1', 7);
    await run('s2', 7);
    await run('s3', 8);
    const files = (await readdir(join(root, 's1'))).sort();
    expect(files.filter((f) => /^\d{19}\.avro$/.test(f))).toHaveLength(12);
    expect((await readdir(join(root, 's2'))).sort()).toEqual(files);
    for (const f of files) expect((await readFile(join(root, 's2', f))).equals(await readFile(join(root, 's1', f)))).toBe(true);
    expect(await readFile(join(root, 's3', LABELS_FILE), 'utf8')).not.toBe(await readFile(join(root, 's1', LABELS_FILE), 'utf8'));
  });

  it('gives different seeds different candids, the history detections included', async () => {
    const candids = async (dir: string, seed: number) => {
      await writeSimulatedAlerts({ n: 60, out: join(root, dir), seed });
      const ids: bigint[] = [];
      for await (const item of openAlertSource(join(root, dir))) {
        if (item.kind !== 'alert') throw new Error(`dead letter: ${item.reason}`);
        const history = (item.payload.prv_candidates as { candid: bigint | null }[] | null) ?? [];
        ids.push(item.payload.candid as bigint, ...history.flatMap((p) => (p.candid === null ? [] : [p.candid])));
      }
      return new Set(ids);
    };
    const seven = await candids('seed7', 7);
    const eight = await candids('seed8', 8);
    expect(seven.size).toBeGreaterThan(60);
    expect([...seven].filter((id) => eight.has(id))).toEqual([]);
  });

  it('refuses a folder that is not empty', async () => {
    await expect(writeSimulatedAlerts({ n: 1, out: join(root, 's1'), seed: 1 })).rejects.toThrow(/is not empty.*choose a new or empty folder/);
  });
});

function readFits(file: Buffer): Float32Array {
  const header = file.subarray(0, 2880).toString('latin1');
  expect(header).toMatch(/^SIMPLE  = +T/);
  expect(header).toMatch(/BITPIX  = +-32 /);
  expect(header).toMatch(/NAXIS1  = +63 /);
  expect(header).toMatch(/NAXIS2  = +63 /);
  expect(file.length % 2880).toBe(0);
  return Float32Array.from({ length: 63 * 63 }, (_, i) => file.readFloatBE(2880 + 4 * i));
}

function spread(image: Float32Array): number {
  return Math.max(...image) - Math.min(...image);
}
