/**
 * The ZTF 4.02 `candidate` record of a detection: the detection's own fields plus what only
 * the alerted candidate carries (history counts, PS1 and Gaia neighbours, reference image,
 * photometric calibration, the deep-learning real-bogus score drb).
 */
import type { Observation, SimulatedObject } from './simulated-object.js';
import { SeededRandom } from './seeded-random.js';
import { RB_VERSION, calibrationFields, detectionFields } from './prv-candidate-record.js';
import { ps1ObjectId } from './ztf-ids.js';

export interface HistoryCounts {
  /** Detections up to and including this one. */
  readonly ndethist: number;
  /** Epochs that covered the position, this one included. */
  readonly ncovhist: number;
  readonly jdstarthist: number;
}

export function candidateRecord(object: SimulatedObject, observation: Observation, history: HistoryCounts): Record<string, unknown> {
  const rng = new SeededRandom(Number((observation.candid! >> 20n) % 4294967296n));
  const s = object.surroundings;
  const bogus = object.simulatedClass === 'bogus';
  const { magzpsci, magzpsciunc, magzpscirms, clrcoeff, clrcounc } = calibrationFields(observation);
  const psColour = (offset: number) => s.ps1Mag + offset + rng.normal(0, 0.05);
  const detection = detectionFields(object, observation);
  const referenceStart = 2458150.5 + (object.field % 97);
  return {
    ...detection,
    sgmag1: psColour(0.4 + 1 * 0.3),
    srmag1: psColour(1 * 0.3),
    simag1: psColour(-0.15 + 1 * 0.3),
    szmag1: psColour(-0.25 + 1 * 0.3),
    sgscore1: s.sgscore1,
    distpsnr1: s.distpsnr1,
    ndethist: history.ndethist,
    ncovhist: history.ncovhist,
    jdstarthist: history.jdstarthist,
    jdendhist: observation.epoch.jd,
    tooflag: 0,
    objectidps1: ps1ObjectId(object.ra, object.dec, object.index),
    objectidps2: ps1ObjectId(object.ra + 0.003, object.dec + 0.002, object.index + 1),
    sgmag2: psColour(0.4 + 2 * 0.3),
    srmag2: psColour(2 * 0.3),
    simag2: psColour(-0.15 + 2 * 0.3),
    szmag2: psColour(-0.25 + 2 * 0.3),
    sgscore2: rng.uniform(0, 1),
    distpsnr2: rng.uniform(3, 20),
    objectidps3: ps1ObjectId(object.ra - 0.004, object.dec + 0.003, object.index + 2),
    sgmag3: psColour(0.4 + 3 * 0.3),
    srmag3: psColour(3 * 0.3),
    simag3: psColour(-0.15 + 3 * 0.3),
    szmag3: psColour(-0.25 + 3 * 0.3),
    sgscore3: rng.uniform(0, 1),
    distpsnr3: rng.uniform(8, 30),
    nmtchps: rng.int(3, 25),
    rfid: BigInt(object.field * 1_000_000 + observation.epoch.fid * 100_000 + object.rcid * 1000 + 256),
    jdstartref: referenceStart,
    jdendref: referenceStart + rng.uniform(60, 300),
    nframesref: rng.int(15, 40),
    rbversion: RB_VERSION,
    dsnrms: (detection.scorr as number) * rng.uniform(0.6, 1),
    ssnrms: (detection.scorr as number) * rng.uniform(1, 1.6),
    dsdiff: rng.normal(-5, 3),
    magzpsci,
    magzpsciunc,
    magzpscirms,
    nmatches: rng.int(400, 3000),
    clrcoeff,
    clrcounc,
    zpclrcov: rng.normal(-2e-6, 5e-7),
    zpmed: (magzpsci as number) + rng.normal(0, 0.02),
    clrmed: rng.uniform(0.4, 0.7),
    clrrms: rng.uniform(0.12, 0.2),
    neargaia: s.sgscore1 > 0.5 ? s.distpsnr1 : rng.uniform(5, 90),
    neargaiabright: s.neargaiabright,
    maggaia: s.ps1Mag + rng.normal(-0.2, 0.1),
    maggaiabright: s.maggaiabright,
    exptime: 30,
    drb: bogus ? (rng.chance(0.1) ? rng.uniform(0.3, 0.8) : 10 ** -rng.uniform(0.5, 4)) : rng.chance(0.05) ? rng.uniform(0.5, 0.95) : 1 - 10 ** -rng.uniform(1, 4),
    drbversion: 'd6_m7',
  };
}
