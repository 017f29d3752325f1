/**
 * One simulated astronomical object: its class and light-curve model, where it is on the sky
 * and on the camera, what surrounds it in the reference catalogues, and every epoch ZTF
 * observed it with what was measured. Alerts are cut from these observations.
 */
import type { SeededRandom } from './seeded-random.js';
import type { Artefact } from './cutout-scene.js';
import { type LightCurveModel, type SimulatedClass, magOf } from './light-curve-model.js';
import { type Epoch, ztfCadence } from './ztf-cadence.js';
import { type Measurement, measure } from './photometry.js';
import { createSniaLightCurve } from './snia-light-curve.js';
import { createPeriodicLightCurve } from './periodic-light-curve.js';
import { createAgnLightCurve } from './agn-light-curve.js';
import { createBogusLightCurve } from './bogus-light-curve.js';
import { CandidRegistry, processingId } from './ztf-ids.js';

export interface Observation {
  readonly epoch: Epoch;
  readonly measurement: Measurement;
  readonly pid: bigint;
  /** Detections only: the candidate id and its row in the exposure's table. */
  readonly candid: bigint | null;
  readonly tblid: number | null;
  readonly magzpsci: number;
  /** Seeing of the exposure, FWHM in pixels. */
  readonly fwhm: number;
  readonly sky: number;
}

/** The reference-catalogue surroundings: the nearest source in the reference image and in PS1. */
export interface Surroundings {
  /** Nearest reference-image source: distance (pixels) and magnitude. */
  readonly distnr: number;
  readonly magnr: number;
  readonly sgscore1: number;
  readonly distpsnr1: number;
  readonly ps1Mag: number;
  /** Distance (arcsec) and G magnitude of the nearest Gaia star brighter than 14, or -999. */
  readonly neargaiabright: number;
  readonly maggaiabright: number;
  readonly host?: { readonly dx: number; readonly dy: number; readonly mag: number; readonly sigma: number };
}

export interface SimulatedObject {
  readonly index: number;
  readonly simulatedClass: SimulatedClass;
  readonly model: LightCurveModel;
  readonly ra: number;
  readonly dec: number;
  readonly field: number;
  readonly rcid: number;
  readonly xpos: number;
  readonly ypos: number;
  readonly surroundings: Surroundings;
  readonly artefact: Artefact;
  /** Detections and coverage before the simulated span (long-lived sources have years of them). */
  readonly priorDetections: number;
  readonly priorCoverage: number;
  readonly firstDetectionJd: number | null;
  readonly observations: readonly Observation[];
}

const ARTEFACTS: readonly Artefact[] = ['hot-pixel', 'streak', 'dipole', 'dipole'];

export function createSimulatedObject(rng: SeededRandom, simulatedClass: SimulatedClass, index: number, endJd: number, spanDays: number, candids: CandidRegistry): SimulatedObject {
  const startJd = endJd - spanDays;
  const model = modelFor(rng, simulatedClass, startJd, endJd);
  const longLived = simulatedClass === 'variable' || simulatedClass === 'agn';
  const rcid = rng.int(0, 63);
  const epochs = ztfCadence(rng, startJd, endJd);
  const observations = epochs.map((epoch): Observation => {
    const measurement = measure(rng, model.flux(epoch.jd, epoch.fid) - model.referenceFlux(epoch.fid), epoch.diffmaglim);
    const pid = processingId(epoch.jd, rcid);
    const row = measurement.detected ? candids.next(pid) : null;
    const magzpsci = rng.normal(epoch.fid === 1 ? 26.3 : 26.2, 0.08);
    return { epoch, measurement, pid, candid: row?.candid ?? null, tblid: row?.tblid ?? null, magzpsci, fwhm: rng.uniform(1.7, 3.4), sky: rng.uniform(60, 400) };
  });
  const priorDetections = longLived ? rng.int(20, 600) : simulatedClass === 'bogus' && rng.chance(0.3) ? rng.int(1, 40) : 0;
  const firstDetected = observations.find((o) => o.measurement.detected)?.epoch.jd ?? null;
  return {
    index,
    simulatedClass,
    model,
    ra: rng.uniform(0, 360),
    dec: (Math.asin(rng.uniform(Math.sin(-0.5236), 1)) * 180) / Math.PI, // uniform on the sky north of -30 deg
    field: rng.int(245, 880),
    rcid,
    xpos: rng.uniform(simulatedClass === 'bogus' && rng.chance(0.3) ? 1 : 40, 3030),
    ypos: rng.uniform(simulatedClass === 'bogus' && rng.chance(0.3) ? 1 : 40, 3040),
    surroundings: surroundingsFor(rng, simulatedClass, model),
    artefact: simulatedClass === 'bogus' ? rng.pick(ARTEFACTS) : 'none',
    priorDetections,
    priorCoverage: priorDetections + rng.int(100, 1500),
    firstDetectionJd: priorDetections > 0 ? startJd - rng.uniform(30, 1800) : firstDetected,
    observations,
  };
}

function modelFor(rng: SeededRandom, simulatedClass: SimulatedClass, startJd: number, endJd: number): LightCurveModel {
  switch (simulatedClass) {
    case 'snia':
      return createSniaLightCurve(rng, endJd - rng.uniform(2, 22)); // seen from before explosion to after peak
    case 'variable':
      return createPeriodicLightCurve(rng);
    case 'agn':
      return createAgnLightCurve(rng, startJd, endJd);
    case 'bogus':
      return createBogusLightCurve(rng);
  }
}

function surroundingsFor(rng: SeededRandom, simulatedClass: SimulatedClass, model: LightCurveModel): Surroundings {
  const noBrightStar = { neargaiabright: -999, maggaiabright: -999 };
  switch (simulatedClass) {
    case 'snia': {
      const offset = rng.uniform(0.3, 4); // pixels from the host's centre
      const angle = rng.uniform(0, 2 * Math.PI);
      const hostMag = rng.uniform(17.5, 21.5);
      return {
        distnr: offset,
        magnr: hostMag,
        sgscore1: rng.uniform(0, 0.3),
        distpsnr1: offset * rng.uniform(0.8, 1.2),
        ps1Mag: hostMag,
        ...noBrightStar,
        host: { dx: offset * Math.cos(angle), dy: offset * Math.sin(angle), mag: hostMag, sigma: rng.uniform(1.8, 4.5) },
      };
    }
    case 'variable':
    case 'agn': {
      const mag = magOf(model.referenceFlux(2));
      const star = simulatedClass === 'variable';
      return {
        distnr: rng.uniform(0.05, 0.6),
        magnr: mag,
        sgscore1: star ? rng.uniform(0.85, 1) : rng.uniform(0.2, 0.8),
        distpsnr1: rng.uniform(0.02, 0.5),
        ps1Mag: mag + rng.normal(0, 0.1),
        ...(star && rng.chance(0.1) ? { neargaiabright: rng.uniform(20, 90), maggaiabright: rng.uniform(10, 14) } : noBrightStar),
        ...(star ? {} : { host: { dx: 0, dy: 0, mag: mag + rng.uniform(0.2, 1.5), sigma: rng.uniform(2, 4) } }),
      };
    }
    case 'bogus': {
      const nearBright = rng.chance(0.6);
      return {
        distnr: rng.uniform(0.2, 12),
        magnr: rng.uniform(13, 21),
        sgscore1: rng.uniform(0.3, 1),
        distpsnr1: rng.uniform(0.2, 15),
        ps1Mag: rng.uniform(13, 21),
        neargaiabright: nearBright ? rng.uniform(2, 25) : -999,
        maggaiabright: nearBright ? rng.uniform(8, 14) : -999,
      };
    }
  }
}
