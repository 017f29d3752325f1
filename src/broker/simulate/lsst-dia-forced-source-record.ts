/**
 * The lsst.v10_0 `diaForcedSource` record of a visit: PSF photometry forced at the DIA object's
 * position on the difference image (a low-S/N flux where nothing was detected) and on the
 * science image, in nJy. Visits in the 30 days before the object was created are measured the
 * next day (precovery); later ones minutes after the visit.
 */
import { BAND_NAMES } from './light-curve-model.js';
import { NANOJANSKY, scienceFluxError, templateFluxError, templatePsfFlux } from './lsst-fluxes.js';
import type { LsstObservation, LsstSimulatedObject } from './lsst-simulated-object.js';
import { SeededRandom } from './seeded-random.js';

export function diaForcedSourceRecord(object: LsstSimulatedObject, observation: LsstObservation): Record<string, unknown> {
  const { epoch, measurement, diaForcedSourceId } = observation;
  if (object.diaObjectId === null || object.firstDetectionMjd === null) throw new Error('forced photometry needs a DIA object');
  const rng = new SeededRandom(Number(diaForcedSourceId % 4294967296n));
  const psfFluxErr = measurement.fluxError * NANOJANSKY;
  const psfFlux = measurement.differenceFlux * NANOJANSKY;
  const precovery = epoch.mjd < object.firstDetectionMjd;
  return {
    diaForcedSourceId,
    diaObjectId: object.diaObjectId,
    ra: object.ra,
    dec: object.dec,
    visit: observation.visit,
    detector: observation.detector,
    psfFlux,
    psfFluxErr,
    midpointMjdTai: epoch.mjd,
    scienceFlux: templatePsfFlux(object, epoch) + rng.normal(0, templateFluxError(psfFluxErr)) + psfFlux,
    scienceFluxErr: scienceFluxError(psfFluxErr),
    band: BAND_NAMES[epoch.band],
    timeProcessedMjdTai: precovery ? object.firstDetectionMjd + rng.uniform(0.4, 0.9) : epoch.mjd + rng.uniform(100, 300) / 86_400,
    timeWithdrawnMjdTai: null,
  };
}
