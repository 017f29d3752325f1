/**
 * The ZTF 4.02 `prv_candidate` record of an observation: a detection with its photometry and
 * image-quality features, or an upper limit (no candid, no position, magpsf null: only the
 * epoch, its depth and its calibration), as ZTF's history entries are. The quality features are
 * drawn from a generator seeded by the observation, so a detection is identical in every alert
 * that carries it (as its own candidate, or later in prv_candidates).
 */
import type { Observation, SimulatedObject } from './simulated-object.js';
import { SeededRandom } from './seeded-random.js';
import { compactDate, dayFraction, nightId } from './ztf-ids.js';

const ARCSEC = 1 / 3600;
const PIXEL = 1.01 * ARCSEC;
const PROGRAM_PI = 'Kulkarni';
export const RB_VERSION = 't17_f5_c3';

export function prvCandidateRecord(object: SimulatedObject, observation: Observation): Record<string, unknown> {
  if (observation.measurement.detected && observation.candid !== null) return detectionFields(object, observation);
  const { epoch, pid } = observation;
  const calibration = calibrationFields(observation);
  // one literal in schema order: the entries are many, and a flat literal encodes fastest
  return {
    jd: epoch.jd, fid: epoch.fid, pid, diffmaglim: epoch.diffmaglim, pdiffimfilename: differenceImageName(object, observation),
    programpi: PROGRAM_PI, programid: 1,
    candid: null, isdiffpos: null, tblid: null,
    nid: nightId(epoch.jd), rcid: object.rcid, field: object.field,
    xpos: null, ypos: null, ra: null, dec: null, magpsf: null, sigmapsf: null,
    chipsf: null, magap: null, sigmagap: null, distnr: null, magnr: null, sigmagnr: null, chinr: null, sharpnr: null,
    sky: null, magdiff: null, fwhm: null, classtar: null, mindtoedge: null, magfromlim: null, seeratio: null,
    aimage: null, bimage: null, aimagerat: null, bimagerat: null, elong: null, nneg: null, nbad: null, rb: null,
    ssdistnr: null, ssmagnr: null, ssnamenr: null, sumrat: null, magapbig: null, sigmagapbig: null, ranr: null, decnr: null, scorr: null,
    magzpsci: calibration.magzpsci, magzpsciunc: calibration.magzpsciunc, magzpscirms: calibration.magzpscirms,
    clrcoeff: calibration.clrcoeff, clrcounc: calibration.clrcounc,
    rbversion: RB_VERSION,
  };
}

/** A detection's `prv_candidate` fields, which `candidate` shares (in schema order). */
export function detectionFields(object: SimulatedObject, observation: Observation): Record<string, unknown> {
  const { measurement, epoch, pid } = observation;
  if (!measurement.detected) throw new Error('detectionFields needs a detection');
  const rng = new SeededRandom(Number(observation.candid! % 4294967296n));
  const bogus = object.simulatedClass === 'bogus';
  const s = object.surroundings;
  const magap = measurement.magpsf + rng.normal(0.02, bogus ? 0.4 : 0.06);
  const sigmagap = measurement.sigmapsf * rng.uniform(1.0, 1.4);
  const aimage = (observation.fwhm / 2.9) * (bogus ? rng.uniform(0.6, 2.5) : rng.uniform(0.95, 1.15));
  const elong = bogus ? (object.artefact === 'streak' ? rng.uniform(2, 6) : rng.uniform(1.0, 2.2)) : rng.uniform(1.0, 1.25);
  const bimage = aimage / elong;
  const realScore = 1 - Math.exp(-measurement.snr / 12);
  const cosDec = Math.cos((object.dec * Math.PI) / 180);
  const calibration = calibrationFields(observation);
  return {
    jd: epoch.jd,
    fid: epoch.fid,
    pid,
    diffmaglim: epoch.diffmaglim,
    pdiffimfilename: differenceImageName(object, observation),
    programpi: PROGRAM_PI,
    programid: 1,
    candid: observation.candid,
    isdiffpos: measurement.isdiffpos,
    tblid: BigInt(observation.tblid ?? 0),
    nid: nightId(epoch.jd),
    rcid: object.rcid,
    field: object.field,
    xpos: object.xpos + rng.normal(0, 0.3),
    ypos: object.ypos + rng.normal(0, 0.3),
    ra: object.ra + rng.normal(0, 0.12 * ARCSEC) / cosDec,
    dec: object.dec + rng.normal(0, 0.12 * ARCSEC),
    magpsf: measurement.magpsf,
    sigmapsf: measurement.sigmapsf,
    chipsf: bogus ? rng.uniform(2, 40) : rng.uniform(0.5, 3),
    magap,
    sigmagap,
    distnr: Math.abs(s.distnr + rng.normal(0, 0.05)),
    magnr: s.magnr,
    sigmagnr: 0.01 + 0.05 * Math.max(0, s.magnr - 17),
    chinr: rng.uniform(0.5, 2),
    sharpnr: s.sgscore1 > 0.5 ? rng.normal(0, 0.05) : rng.uniform(0.1, 0.6),
    sky: rng.normal(0, 0.6),
    magdiff: magap - measurement.magpsf,
    fwhm: observation.fwhm * (bogus && object.artefact === 'hot-pixel' ? rng.uniform(0.3, 0.6) : rng.uniform(0.95, 1.1)),
    classtar: bogus ? rng.uniform(0, 0.9) : rng.uniform(0.85, 1),
    mindtoedge: Math.min(object.xpos, object.ypos, 3072 - object.xpos, 3080 - object.ypos),
    magfromlim: epoch.diffmaglim - magap,
    seeratio: bogus ? rng.uniform(0.3, 2.5) : rng.uniform(0.9, 1.4),
    aimage,
    bimage,
    aimagerat: aimage / observation.fwhm,
    bimagerat: bimage / observation.fwhm,
    elong,
    nneg: bogus ? rng.int(4, 15) : rng.int(0, 7),
    nbad: bogus && rng.chance(0.4) ? rng.int(1, 5) : 0,
    rb: bogus ? rng.uniform(0.03, 0.5) : Math.min(0.99, 0.45 + 0.45 * realScore + rng.uniform(0, 0.1)),
    ssdistnr: -999,
    ssmagnr: -999,
    ssnamenr: 'null',
    sumrat: bogus ? rng.uniform(0.2, 0.8) : rng.uniform(0.85, 1),
    magapbig: magap + rng.normal(-0.03, 0.05),
    sigmagapbig: sigmagap * 1.1,
    ranr: object.ra + ((0.7 * s.distnr * PIXEL) / cosDec),
    decnr: object.dec + 0.7 * s.distnr * PIXEL,
    scorr: measurement.snr * rng.uniform(0.9, 1.3),
    magzpsci: calibration.magzpsci,
    magzpsciunc: calibration.magzpsciunc,
    magzpscirms: calibration.magzpscirms,
    clrcoeff: calibration.clrcoeff,
    clrcounc: calibration.clrcounc,
    rbversion: RB_VERSION,
  };
}

export function calibrationFields(observation: Observation) {
  const rng = new SeededRandom(Number(observation.pid % 4294967296n));
  return {
    magzpsci: observation.magzpsci,
    magzpsciunc: rng.uniform(1e-6, 4e-6),
    magzpscirms: rng.uniform(0.012, 0.03),
    clrcoeff: observation.epoch.fid === 1 ? rng.normal(-0.05, 0.02) : rng.normal(0.08, 0.02),
    clrcounc: rng.uniform(2e-6, 8e-6),
  };
}

/** e.g. ztf_20231018645951_000564_zr_c15_o_q1_scimrefdiffimg.fits */
export function differenceImageName(object: SimulatedObject, observation: Observation): string {
  const { jd, fid } = observation.epoch;
  const fraction = String(Math.min(Math.floor(dayFraction(jd) * 1e6), 999_999)).padStart(6, '0');
  const ccd = String(Math.floor(object.rcid / 4) + 1).padStart(2, '0');
  const quadrant = (object.rcid % 4) + 1;
  return `ztf_${compactDate(jd)}${fraction}_${String(object.field).padStart(6, '0')}_z${fid === 1 ? 'g' : 'r'}_c${ccd}_o_q${quadrant}_scimrefdiffimg.fits`;
}
