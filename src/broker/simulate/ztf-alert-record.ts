/**
 * A whole ZTF 4.02 alert of one detection of a simulated object: the candidate, the history of
 * the preceding `historyDays` (detections and upper limits, as ZTF sends 30 days), optionally
 * the forced photometry of the same epochs, and the three cutouts.
 */
import { gzipSync } from 'node:zlib';
import type { CutoutGeometry, CutoutRenderer } from './cutout-renderer.js';
import { type CutoutScene, sourceScene } from './cutout-scene.js';
import { fitsImage } from './fits-image.js';
import type { Observation, SimulatedObject } from './simulated-object.js';
import { fluxOf } from './light-curve-model.js';
import { candidateRecord } from './candidate-record.js';
import { fpHistRecord } from './fp-hist-record.js';
import { prvCandidateRecord } from './prv-candidate-record.js';
import { ZTF_SCHEMA_VERSION } from './ztf-alert-schema.js';

export interface AlertRecordOptions {
  readonly historyDays: number;
  readonly withForcedPhotometry: boolean;
  /** Of the gzipped FITS cutouts: 0 stores them uncompressed inside a valid gzip stream (fastest). */
  readonly gzipLevel: number;
}

/** ZTF's cutouts: 63x63 pixels of 1.01 arcsec. */
export const ZTF_CUTOUT_GEOMETRY: CutoutGeometry = { size: 63, templateNoiseRatio: 0.4 };

export function ztfAlertRecord(object: SimulatedObject, objectId: string, at: number, cutouts: CutoutRenderer, options: AlertRecordOptions): Record<string, unknown> {
  const observation = object.observations[at]!;
  if (observation.candid === null) throw new Error('an alert needs a detection');
  const since = observation.epoch.jd - options.historyDays;
  const earlier = object.observations.slice(0, at).filter((o) => o.epoch.jd >= since);
  const detectionsSoFar = object.observations.slice(0, at + 1).filter((o) => o.measurement.detected).length;
  const candidate = candidateRecord(object, observation, {
    ndethist: object.priorDetections + detectionsSoFar,
    ncovhist: object.priorCoverage + at + 1,
    jdstarthist: object.firstDetectionJd ?? observation.epoch.jd,
  });
  const { candid, pid } = observation;
  const images = cutouts.render(cutoutScene(object, observation));
  const { size } = ZTF_CUTOUT_GEOMETRY;
  const cutout = (suffix: string, image: Float32Array) => ({
    fileName: `candid${candid}${suffix}.fits.gz`,
    stampData: gzipSync(fitsImage(image, size, size), { level: options.gzipLevel }),
  });
  return {
    schemavsn: ZTF_SCHEMA_VERSION,
    publisher: 'ZTF (www.ztf.caltech.edu)',
    objectId,
    candid,
    candidate,
    prv_candidates: earlier.length > 0 ? earlier.map((o) => historyEntry(object, o)) : null,
    fp_hists: options.withForcedPhotometry ? [...earlier, observation].map((o) => fpHistRecord(object, o)) : null,
    cutoutScience: cutout(`_pid${pid}_targ_sci`, images.science),
    cutoutTemplate: cutout('_ref', images.template),
    cutoutDifference: cutout(`_pid${pid}_targ_scimref`, images.difference),
  };
}

/** History entries are the same in every alert of an object: built once, then shared. */
const historyEntries = new WeakMap<Observation, Record<string, unknown>>();

function historyEntry(object: SimulatedObject, observation: Observation): Record<string, unknown> {
  let entry = historyEntries.get(observation);
  if (!entry) historyEntries.set(observation, (entry = prvCandidateRecord(object, observation)));
  return entry;
}

function cutoutScene(object: SimulatedObject, observation: Observation): CutoutScene {
  const { epoch, measurement, magzpsci, fwhm, sky } = observation;
  const toDn = Math.pow(10, 0.4 * magzpsci);
  const s = object.surroundings;
  return {
    sky,
    ...sourceScene(measurement, object.model.referenceFlux(epoch.fid), toDn, fwhm / 2.355, { x: object.xpos, y: object.ypos }),
    host: s.host && { dx: s.host.dx, dy: s.host.dy, flux: fluxOf(s.host.mag) * toDn, sigma: s.host.sigma },
    neighbour: s.neargaiabright > 0 && s.neargaiabright < 30 ? { dx: s.neargaiabright / 1.01, dy: 3, flux: fluxOf(s.maggaiabright) * toDn } : undefined,
    artefact: object.artefact,
  };
}
