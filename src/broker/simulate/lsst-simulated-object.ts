/**
 * One simulated object as Rubin sees it: ZTF's light-curve models and surroundings of its
 * class, placed further away (Rubin reaches about 4 magnitudes deeper: the object is fainter by
 * a drawn distance modulus, its host smaller on the sky), at a position on the night sky of its
 * last observation, and every visit of Rubin's cadence with what was measured, on which
 * detector, and the ids Rubin gives the measurements. Alerts are cut from these observations.
 */
import type { SeededRandom } from './seeded-random.js';
import { ARTEFACTS, type Artefact } from './cutout-scene.js';
import { createLightCurve } from './create-light-curve.js';
import type { LightCurveModel, SimulatedClass } from './light-curve-model.js';
import { type LsstEpoch, lsstCadence, oppositionRa } from './lsst-cadence.js';
import type { ExtendedSource } from './lsst-fluxes.js';
import { DETECTORS, type LsstIdRegistry, visitId } from './lsst-ids.js';
import { type Measurement, measure } from './photometry.js';
import { surroundingsFor } from './surroundings.js';

export interface LsstObservation {
  readonly epoch: LsstEpoch;
  readonly measurement: Measurement;
  readonly visit: bigint;
  readonly detector: number;
  /** The object's place on the detector, pixels (4072 x 4000). */
  readonly x: number;
  readonly y: number;
  /** The camera's position angle on the sky, degrees: how the cutouts are turned. */
  readonly rotation: number;
  /** Detections only. */
  readonly diaSourceId: bigint | null;
  /** Forced photometry is measured at every visit once the object exists: an id for each. */
  readonly diaForcedSourceId: bigint;
}

export interface LsstSimulatedObject {
  readonly index: number;
  readonly simulatedClass: SimulatedClass;
  readonly model: LightCurveModel;
  readonly ra: number;
  readonly dec: number;
  readonly host?: ExtendedSource;
  /** A bright star near the object, offsets in arcsec. */
  readonly neighbour?: { readonly dx: number; readonly dy: number; readonly mag: number };
  readonly artefact: Artefact;
  readonly observations: readonly LsstObservation[];
  /** The diaSourceId of its first detection, null while it has none. */
  readonly diaObjectId: bigint | null;
  /** Its first detection, when Rubin created its DIA object. */
  readonly firstDetectionMjd: number | null;
}

/** ZTF's pixels, in which the shared surroundings are drawn. */
const ZTF_PIXEL_ARCSEC = 1.01;
/** LSSTCam's detectors, pixels. */
export const DETECTOR_WIDTH = 4072;
export const DETECTOR_HEIGHT = 4000;

export function createLsstObject(rng: SeededRandom, simulatedClass: SimulatedClass, index: number, endMjd: number, spanDays: number, ids: LsstIdRegistry): LsstSimulatedObject {
  const startMjd = endMjd - spanDays;
  const nearby = createLightCurve(rng, simulatedClass, startMjd, endMjd);
  const distanceModulus = distanceModulusFor(rng, simulatedClass);
  const model = fainter(nearby, distanceModulus);
  const surroundings = surroundingsFor(rng, simulatedClass, nearby);
  // angular sizes shrink with distance: 10^(-dm/5)
  const arcsec = ZTF_PIXEL_ARCSEC * 10 ** (-distanceModulus / 5);
  const h = surroundings.host;
  const host = h && { dx: h.dx * arcsec, dy: h.dy * arcsec, mag: h.mag + distanceModulus, sigma: h.sigma * arcsec };
  const neighbour = surroundings.neargaiabright > 0 ? { dx: surroundings.neargaiabright, dy: 0.6, mag: surroundings.maggaiabright } : undefined;
  // on the night sky when its observations end, a month or more into its season
  const ra = (oppositionRa(endMjd - rng.uniform(-70, 100)) + rng.normal(0, 2) + 360) % 360;
  const dec = (Math.asin(rng.uniform(Math.sin(-75 * DEG), Math.sin(12 * DEG))) * 180) / Math.PI; // uniform over Rubin's sky
  const artefact = simulatedClass === 'bogus' ? rng.pick(ARTEFACTS) : 'none';
  const observations = lsstCadence(rng, startMjd, endMjd, ra).map((epoch): LsstObservation => {
    const measurement = measure(rng, model.flux(epoch.mjd, epoch.band) - model.referenceFlux(epoch.band), epoch.m5);
    const visit = visitId(epoch.mjd);
    const detector = rng.int(0, DETECTORS - 1);
    const x = rng.uniform(15, DETECTOR_WIDTH - 15);
    const y = rng.uniform(15, DETECTOR_HEIGHT - 15);
    const rotation = rng.uniform(0, 360);
    const diaForcedSourceId = ids.next(visit, detector);
    const diaSourceId = measurement.detected ? ids.next(visit, detector) : null;
    return { epoch, measurement, visit, detector, x, y, rotation, diaSourceId, diaForcedSourceId };
  });
  const first = observations.find((o) => o.diaSourceId !== null);
  return {
    index,
    simulatedClass,
    model,
    ra,
    dec,
    host,
    neighbour,
    artefact,
    observations,
    diaObjectId: first?.diaSourceId ?? null,
    firstDetectionMjd: first?.epoch.mjd ?? null,
  };
}

const DEG = Math.PI / 180;

/** How much fainter than ZTF's version of the class Rubin's objects are: most lie beyond ZTF's reach. */
function distanceModulusFor(rng: SeededRandom, simulatedClass: SimulatedClass): number {
  switch (simulatedClass) {
    case 'snia':
      return rng.uniform(1, 4.5);
    case 'variable':
      return rng.uniform(2, 5.5);
    case 'agn':
      return rng.uniform(1.5, 4.5);
    case 'bogus':
      return 4; // artefacts near Rubin's detection limit, as ZTF's are near its own
  }
}

function fainter(model: LightCurveModel, magnitudes: number): LightCurveModel {
  const factor = 10 ** (-0.4 * magnitudes);
  return {
    simulatedClass: model.simulatedClass,
    referenceFlux: (band) => model.referenceFlux(band) * factor,
    flux: (time, band) => model.flux(time, band) * factor,
  };
}
