import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIndependently } from '../../../tests/ts/broker/shared-data.js';
import { toAlert, type Alert } from '../alert.js';
import { openAlertSource } from '../sources/open-alert-source.js';
import { NANOJANSKY } from './lsst-fluxes.js';
import { detectorExposure } from './lsst-ids.js';
import { generateLsstAlerts, type SimulatedLsstAlert } from './simulate-lsst-alerts.js';
import { expectClassShares, median } from './testing/simulation-checks.js';
import { LABELS_FILE, writeSimulatedAlerts, type SimulationSummary } from './write-simulated-alerts.js';

const N = 150;
const SEED = 2026;
const MIX = { snia: 0.4, variable: 0.3, agn: 0.1, bogus: 0.2 };
const BANDS = ['u', 'g', 'r', 'i', 'z', 'y'];
let root: string;
let summary: SimulationSummary;
let alerts: Alert[];
let labels: { diaSourceId: string; diaObjectId: string; class: string }[];
/** The same simulation in memory, with the objects the alerts were cut from. */
let truth: SimulatedLsstAlert[];

interface Source {
  readonly diaSourceId: bigint;
  readonly visit: bigint;
  readonly detector: number;
  readonly midpointMjdTai: number;
  readonly psfFlux: number;
  readonly psfFluxErr: number;
  readonly ra: number;
  readonly dec: number;
  readonly band: string;
  readonly reliability: number;
}

const folder = () => join(root, 'a');
const payloadOf = (alert: Alert) => alert.payload as { diaSource: Source; prvDiaSources: Source[] | null; prvDiaForcedSources: Source[] };
const classOf = (alert: Alert) => labels.find((l) => l.diaSourceId === String(alert.alertId))!.class;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aviary-simulate-lsst-'));
  summary = await writeSimulatedAlerts({ survey: 'lsst', n: N, out: folder(), seed: SEED, classes: MIX, perFile: 64, codec: 'deflate' });
  alerts = [];
  for await (const item of openAlertSource(folder())) {
    if (item.kind !== 'alert') throw new Error(`dead letter: ${item.reason}`);
    alerts.push(toAlert(item));
  }
  labels = (await readFile(join(folder(), LABELS_FILE), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
  truth = [...generateLsstAlerts({ n: N, seed: SEED, classes: MIX })];
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('simulated Rubin alerts read back with the project reader', () => {
  it('writes every alert as a Rubin alert, in ceil(n / perFile) files', async () => {
    expect(alerts).toHaveLength(N);
    expect(summary).toMatchObject({ survey: 'lsst', alerts: N, files: Math.ceil(N / 64), seed: SEED });
    expect((await readdir(folder())).filter((f) => f.endsWith('.avro'))).toHaveLength(Math.ceil(N / 64));
    for (const a of alerts) {
      expect(a.survey).toBe('lsst');
      expect(a.timeScale).toBe('mjd_tai');
      expect((a.writerSchema as { name: string; namespace: string }).namespace).toBe('lsst.v10_0');
    }
  });

  it('keeps the 64-bit ids exact: unique diaSourceIds beyond 2^53, the labels\' ids, the visit and detector packed in them', () => {
    const ids = alerts.map((a) => a.alertId);
    expect(new Set(ids).size).toBe(N);
    for (const id of ids) expect(id > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(labels.map((l) => l.diaSourceId)).toEqual(ids.map(String));
    expect(labels.map((l) => l.diaObjectId)).toEqual(alerts.map((a) => String(a.objectId)));
    expect(ids).toEqual(truth.map((t) => t.label.diaSourceId));
    for (const a of alerts) {
      const { diaSource } = payloadOf(a);
      expect(diaSource.diaSourceId >> 19n).toBe(detectorExposure(diaSource.visit, diaSource.detector));
      expect(typeof a.objectId).toBe('bigint');
      expect((a.objectId as bigint) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    }
    expect(new Set(alerts.map((a) => a.objectId)).size).toBeLessThan(N); // objects give several alerts
  });

  it('labels the classes in the requested shares', () => {
    expectClassShares(labels, MIX, N);
  });

  it('builds light curves: earlier diaSources in time order within a year, forced photometry with non-detections, several bands', () => {
    let nonDetections = 0;
    for (const a of alerts) {
      const { diaSource, prvDiaSources, prvDiaForcedSources } = payloadOf(a);
      const history = prvDiaSources ?? [];
      const times = history.map((s) => s.midpointMjdTai);
      expect(times).toEqual([...times].sort((x, y) => x - y));
      for (const t of times) expect(t).toBeLessThan(diaSource.midpointMjdTai);
      for (const t of times) expect(t).toBeGreaterThanOrEqual(diaSource.midpointMjdTai - 365);
      expect(a.lightCurve).toHaveLength(history.length + prvDiaForcedSources.length + 1);
      expect(a.lightCurve.at(-1)!.current).toBe(true);
      for (const p of a.lightCurve) expect(BANDS).toContain(p.band);
      nonDetections += prvDiaForcedSources.filter((f) => Math.abs(f.psfFlux / f.psfFluxErr) < 5).length;
    }
    expect(nonDetections).toBeGreaterThan(N);
    const bandsOfObjects = alerts.map((a) => new Set(a.lightCurve.map((p) => p.band)).size);
    expect(bandsOfObjects.filter((count) => count >= 3).length).toBeGreaterThan(N / 2);
  });

  it('gives each detection the flux of its class\'s light-curve model within its noise', () => {
    expect(truth.map((t) => t.label.class)).toEqual(labels.map((l) => l.class));
    let checked = 0;
    for (const [i, { object }] of truth.entries()) {
      const { diaSource, prvDiaSources } = payloadOf(alerts[i]!);
      for (const source of [...(prvDiaSources ?? []), diaSource]) {
        const band = BANDS.indexOf(source.band) as 0 | 1 | 2 | 3 | 4 | 5;
        const expected = (object.model.flux(source.midpointMjdTai, band) - object.model.referenceFlux(band)) * NANOJANSKY;
        expect(Math.abs(source.psfFlux - expected) / source.psfFluxErr).toBeLessThan(5.5);
        expect(Math.abs(source.psfFlux / source.psfFluxErr)).toBeGreaterThanOrEqual(4.999);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(N * 3);
  });

  it('summarises the alert\'s detections band by band in its diaObject', () => {
    for (const a of alerts) {
      const { diaSource, prvDiaSources } = payloadOf(a);
      const object = (a.payload as { diaObject: Record<string, number | bigint | null> }).diaObject;
      const sources = [...(prvDiaSources ?? []), diaSource];
      expect(object.diaObjectId).toBe(a.objectId);
      expect(object.nDiaSources).toBeGreaterThanOrEqual(sources.length);
      expect(object.lastDiaSourceMjdTai).toBe(diaSource.midpointMjdTai);
      for (const band of BANDS) {
        const fluxes = sources.filter((s) => s.band === band).map((s) => s.psfFlux);
        expect(object[`${band}_psfFluxNdata`]).toBe(fluxes.length);
        if (fluxes.length === 0) expect(object[`${band}_psfFluxMean`]).toBeNull();
        else {
          expect(object[`${band}_psfFluxMin`]).toBe(Math.min(...fluxes));
          expect(object[`${band}_psfFluxMax`]).toBe(Math.max(...fluxes));
          // rounding to float32 keeps order: the weighted mean stays within the extremes
          expect(object[`${band}_psfFluxMean`]).toBeGreaterThanOrEqual(Math.min(...fluxes));
          expect(object[`${band}_psfFluxMean`]).toBeLessThanOrEqual(Math.max(...fluxes));
        }
      }
    }
  });

  it('scores real sources as reliable and bogus ones not', () => {
    const reliability = (cls: string) => median(alerts.filter((a) => classOf(a) === cls).map((a) => payloadOf(a).diaSource.reliability));
    expect(reliability('snia')).toBeGreaterThan(0.8);
    expect(reliability('variable')).toBeGreaterThan(0.8);
    expect(reliability('bogus')).toBeLessThan(0.4);
  });

  it('carries three uncompressed FITS cutouts: 30x30 nJy images with a WCS on the source, variance and PSF extensions, difference = science - template', () => {
    for (const a of alerts.slice(0, 40)) {
      const { diaSource } = payloadOf(a);
      const [science, template, difference] = [a.cutouts.science, a.cutouts.template, a.cutouts.difference].map((c) => {
        expect(c!.encoding).toBe('fits');
        return readFits(Buffer.from(c!.bytes));
      });
      for (const hdus of [science!, template!, difference!]) {
        expect(hdus.map((h) => [h.cards.NAXIS1, h.cards.NAXIS2, h.cards.BITPIX])).toEqual([[30, 30, -32], [30, 30, -32], [41, 41, -64]]);
        expect(hdus.map((h) => h.cards.EXTNAME)).toEqual([undefined, 'UNCERT', 'PSFIMAGE']);
        expect(hdus[0]!.cards).toMatchObject({ BUNIT: 'nJy', CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN' });
        expect(hdus[0]!.cards.CRVAL1).toBeCloseTo(diaSource.ra, 9);
        expect(hdus[0]!.cards.CRVAL2).toBeCloseTo(diaSource.dec, 9);
        expect(hdus[2]!.pixels.reduce((sum, v) => sum + v, 0)).toBeCloseTo(1, 6);
      }
      let worst = 0;
      const [s, t, d] = [science![0]!.pixels, template![0]!.pixels, difference![0]!.pixels];
      for (let i = 0; i < s.length; i++) worst = Math.max(worst, Math.abs(s[i]! - t[i]! - d[i]!));
      expect(worst).toBeLessThan(1e-2 * Math.max(...s.map(Math.abs)));
      if (classOf(a) !== 'bogus' && Math.abs(diaSource.psfFlux / diaSource.psfFluxErr) > 10) {
        expect(Math.sign(centre(d))).toBe(Math.sign(diaSource.psfFlux)); // the source sits at the centre
      }
    }
  });

  it('decodes the same with fastavro: exact ids, object ids and history lengths', async () => {
    const files = (await readdir(folder())).filter((f) => f.endsWith('.avro')).sort().map((f) => join(folder(), f));
    const decoded = await decodeIndependently(files);
    expect(decoded.map((d) => d.id)).toEqual(alerts.map((a) => String(a.alertId)));
    expect(decoded.map((d) => d.objectId)).toEqual(alerts.map((a) => String(a.objectId)));
    expect(decoded.map((d) => d.history)).toEqual(alerts.map((a) => a.lightCurve.length - 1));
  }, 300_000);
});

describe('simulated Rubin alerts: reproducibility', () => {
  it('writes identical bytes for the same seed, one <diaSourceId>.avro per alert with --per-file 1', async () => {
    const run = (dir: string, seed: number) => writeSimulatedAlerts({ survey: 'lsst', n: 10, out: join(root, dir), seed, perFile: 1 });
    await run('s1', 7);
    await run('s2', 7);
    const files = (await readdir(join(root, 's1'))).sort();
    expect(files.filter((f) => /^\d{18}\.avro$/.test(f))).toHaveLength(10);
    expect((await readdir(join(root, 's2'))).sort()).toEqual(files);
    for (const f of files) expect((await readFile(join(root, 's2', f))).equals(await readFile(join(root, 's1', f)))).toBe(true);
  });

  it('gives different seeds different ids, the history and forced photometry included', () => {
    const ids = (seed: number) => {
      const found = new Set<bigint>();
      for (const { record } of generateLsstAlerts({ n: 40, seed })) {
        const { diaSource, prvDiaSources, prvDiaForcedSources } = record as { diaSource: Source; prvDiaSources: Source[] | null; prvDiaForcedSources: { diaForcedSourceId: bigint }[] };
        for (const s of [diaSource, ...(prvDiaSources ?? [])]) found.add(s.diaSourceId);
        for (const f of prvDiaForcedSources) found.add(f.diaForcedSourceId);
      }
      return found;
    };
    const seven = ids(7);
    const eight = ids(8);
    expect(seven.size).toBeGreaterThan(400);
    expect([...seven].filter((id) => eight.has(id))).toEqual([]);
  });
});

interface Hdu {
  readonly cards: Record<string, string | number | boolean>;
  readonly pixels: number[];
}

/** A FITS file's HDUs: header cards (values parsed) and pixels (BITPIX -32 or -64, big-endian). */
function readFits(file: Buffer): Hdu[] {
  expect(file.length % 2880).toBe(0);
  const hdus: Hdu[] = [];
  let at = 0;
  while (at < file.length) {
    const cards: Record<string, string | number | boolean> = {};
    for (let ended = false; !ended; at += 80) {
      const card = file.subarray(at, at + 80).toString('latin1');
      ended = card.startsWith('END ');
      if (card.slice(8, 10) !== '= ') continue;
      const raw = card.slice(10).replace(/\s\/.*$/, '').trim();
      cards[card.slice(0, 8).trim()] = raw.startsWith("'") ? raw.slice(1, raw.lastIndexOf("'")).trim() : raw === 'T' || raw === 'F' ? raw === 'T' : Number(raw);
    }
    at = Math.ceil(at / 2880) * 2880;
    const bytes = Math.abs(cards.BITPIX as number) / 8;
    const count = (cards.NAXIS1 as number) * (cards.NAXIS2 as number);
    const pixels = Array.from({ length: count }, (_, i) => (bytes === 8 ? file.readDoubleBE(at + 8 * i) : file.readFloatBE(at + 4 * i)));
    hdus.push({ cards, pixels });
    at += Math.ceil((count * bytes) / 2880) * 2880;
  }
  return hdus;
}

/** The sum of the 3x3 pixels at the centre of a 30x30 image. */
function centre(pixels: number[]): number {
  let sum = 0;
  for (let y = 14; y <= 16; y++) for (let x = 14; x <= 16; x++) sum += pixels[y * 30 + x]!;
  return sum;
}
