import { describe, expect, it } from 'vitest';
import { toAlert } from './alert.js';
import { isDeadLetter, readAlerts } from './read-alerts.js';
import type { AlertSource, RawAlertRecord } from './sources/alert-source.js';

const origin = { file: 'mem.avro', format: 'avro' as const, index: 0 };
const record = (payload: Record<string, unknown>): RawAlertRecord => ({ kind: 'alert', payload, origin });

const ztf = {
  objectId: 'ZTF26abuxdqd',
  candid: 3560118260615015042n,
  candidate: { candid: 3560118260615015042n, jd: 2461314.6, fid: 1, ra: 10.5, dec: -20.25, magpsf: 17.86, sigmapsf: 0.05, diffmaglim: 20.1 },
  prv_candidates: [
    { jd: 2461313.5, fid: 2, candid: null, magpsf: null, sigmapsf: null, diffmaglim: 19.8 },
    { jd: 2461310.5, fid: 3, candid: 3550118260615015042n, magpsf: 18.2, sigmapsf: 0.1, diffmaglim: 20.3 },
  ],
  fp_hists: [
    { jd: 2461312.5, fid: 1, forcediffimflux: 1234.5, forcediffimfluxunc: 12.5, diffmaglim: 20.0 },
    { jd: 2461311.5, fid: 2, forcediffimflux: -99999, forcediffimfluxunc: -99999, diffmaglim: 19.0 },
  ],
  cutoutScience: { fileName: 'sci.fits.gz', stampData: new Uint8Array([0x1f, 0x8b, 8, 0]) },
  cutoutTemplate: null,
  cutoutDifference: { fileName: 'diff.fits.gz', stampData: new Uint8Array([0x1f, 0x8b, 8, 1]) },
};

describe('ZTF alerts', () => {
  it('fills the envelope: ids, time, position, band from fid, magnitude', () => {
    const alert = toAlert(record(ztf));
    expect(alert).toMatchObject({ survey: 'ztf', alertId: 3560118260615015042n, objectId: 'ZTF26abuxdqd', time: 2461314.6, timeScale: 'jd', ra: 10.5, dec: -20.25, band: 'g' });
    expect(alert.magnitude).toEqual({ value: 17.86, error: 0.05 });
    expect(alert.payload).toBe(ztf);
  });

  it('builds the light curve from prv_candidates, fp_hists and the candidate, sorted by time, limits and forced points marked', () => {
    const curve = toAlert(record(ztf)).lightCurve;
    expect(curve.map((p) => [p.time, p.band, p.kind, p.current])).toEqual([
      [2461310.5, 'i', 'detection', false],
      [2461311.5, 'r', 'forced', false],
      [2461312.5, 'g', 'forced', false],
      [2461313.5, 'r', 'upper-limit', false],
      [2461314.6, 'g', 'detection', true],
    ]);
    expect(curve[0]).toMatchObject({ magnitude: { value: 18.2, error: 0.1 }, id: 3550118260615015042n });
    expect(curve[1]!.flux).toEqual({ value: null, error: null });
    expect(curve[2]!.flux).toEqual({ value: 1234.5, error: 12.5 });
    expect(curve[3]).toMatchObject({ limitingMagnitude: 19.8, id: null });
    expect(curve[3]!.magnitude).toBeUndefined();
  });

  it('exposes the cutouts apart, gzip told by its magic bytes', () => {
    const { cutouts } = toAlert(record(ztf));
    expect(cutouts.science).toEqual({ bytes: ztf.cutoutScience.stampData, encoding: 'fits.gz', fileName: 'sci.fits.gz' });
    expect(cutouts.template).toBeUndefined();
    expect(cutouts.difference!.encoding).toBe('fits.gz');
  });

  it('takes ids from JSON as numbers when exact, or digit strings, and refuses a rounded one', () => {
    expect(toAlert(record({ ...ztf, candid: '3560118260615015042' })).alertId).toBe(3560118260615015042n);
    expect(toAlert(record({ ...ztf, candid: 12345 })).alertId).toBe(12345n);
    expect(() => toAlert(record({ ...ztf, candid: 3560118260615015000 }))).toThrow(/past 2\^53/);
  });

  it('keeps a history candid as read (a double stays a double), and names candidate.candid when that is the id refused', () => {
    const prv_candidates = [ztf.prv_candidates[0], { ...ztf.prv_candidates[1], candid: 3550118260615015000 }];
    const alert = toAlert(record({ ...ztf, prv_candidates }));
    expect(alert.alertId).toBe(3560118260615015042n);
    expect(alert.lightCurve[0]!.id).toBe(3550118260615015000);
    const { candid: _, ...noTopCandid } = ztf;
    expect(toAlert(record(noTopCandid)).alertId).toBe(3560118260615015042n);
    expect(() => toAlert(record({ ...noTopCandid, candidate: { ...ztf.candidate, candid: 3560118260615015000 } }))).toThrow(/^candidate\.candid is not an exact integer: 3560118260615015000/);
  });
});

describe('Rubin alerts', () => {
  const lsst = {
    alertId: 1231321321n,
    diaSource: { diaSourceId: 281323062375219200n, diaObjectId: 0n, ssObjectId: 77n, midpointMjdTai: 60902.9, ra: 351.5, dec: 0.12, band: 'r', psfFlux: 1241, psfFluxErr: 12 },
    prvDiaSources: [{ diaSourceId: 281323062375219198n, midpointMjdTai: 60901.5, band: 'g', psfFlux: 800, psfFluxErr: 10 }],
    prvDiaForcedSources: [{ diaForcedSourceId: 5n, midpointMjdTai: 60900.5, band: 'r', psfFlux: -3, psfFluxErr: 9 }],
    prvDiaNondetectionLimits: [{ ccdVisitId: 1n, midpointMjdTai: 60899.5, band: 'i', diaNoise: 55 }],
    cutoutScience: new Uint8Array(Buffer.from('SIMPLE  =')),
  };

  it('takes the diaSource id as alert id, the ssObjectId as object when diaObjectId is 0 (a solar-system source), fluxes in the envelope', () => {
    const alert = toAlert(record(lsst));
    expect(alert).toMatchObject({ survey: 'lsst', alertId: 281323062375219200n, objectId: 77n, time: 60902.9, timeScale: 'mjd_tai', band: 'r', flux: { value: 1241, error: 12 } });
    expect(alert.cutouts.science!.encoding).toBe('fits');
  });

  it('has no object when neither diaObjectId nor ssObjectId is set (null or 0), and prefers the DIA object', () => {
    expect(toAlert(record({ ...lsst, diaSource: { ...lsst.diaSource, ssObjectId: 0n } })).objectId).toBeNull();
    expect(toAlert(record({ ...lsst, diaSource: { ...lsst.diaSource, diaObjectId: null, ssObjectId: null } })).objectId).toBeNull();
    expect(toAlert(record({ ...lsst, diaSource: { ...lsst.diaSource, diaObjectId: 12n } })).objectId).toBe(12n);
  });

  it('names the nested field of an id that is not exact', () => {
    expect(() => toAlert(record({ ...lsst, diaSource: { ...lsst.diaSource, diaObjectId: 0, ssObjectId: 21164719644750924 } }))).toThrow(/^diaSource\.ssObjectId is not an exact integer/);
    expect(() => toAlert(record({ ...lsst, diaSource: { ...lsst.diaSource, diaSourceId: 281323062375219200 } }))).toThrow(/^diaSource\.diaSourceId is not an exact integer/);
  });

  it('builds the light curve from sources, forced sources and nondetection limits', () => {
    const curve = toAlert(record(lsst)).lightCurve;
    expect(curve.map((p) => [p.kind, p.band, p.flux, p.current])).toEqual([
      ['upper-limit', 'i', { value: null, error: 55 }, false],
      ['forced', 'r', { value: -3, error: 9 }, false],
      ['detection', 'g', { value: 800, error: 10 }, false],
      ['detection', 'r', { value: 1241, error: 12 }, true],
    ]);
    expect(curve[1]!.id).toBe(5n);
  });

  it('takes diaObject.diaObjectId when the diaSource has none', () => {
    const alert = toAlert(record({ ...lsst, diaSource: { ...lsst.diaSource, diaObjectId: null }, diaObject: { diaObjectId: 9n } }));
    expect(alert.objectId).toBe(9n);
  });
});

describe('readAlerts', () => {
  it('turns a record that is no alert into a dead letter at its origin', async () => {
    const source: AlertSource = {
      description: 'memory',
      async *[Symbol.asyncIterator]() {
        yield record({ hello: 'world' });
        yield record(ztf);
      },
    };
    const items = [];
    for await (const item of readAlerts(source)) items.push(item);
    expect(isDeadLetter(items[0]!)).toBe(true);
    expect(items[0]).toMatchObject({ origin, reason: expect.stringMatching(/not a ZTF alert.*hello/) });
    expect(isDeadLetter(items[1]!)).toBe(false);
  });
});
