/**
 * A whole lsst.v10_0 alert of one detection of a simulated object: the diaSource, the earlier
 * diaSources and forced photometry of the preceding `historyDays` (Rubin sends 12 months), the
 * diaObject summarising them, and the three cutouts. Forced photometry starts when the DIA
 * object is created (its first detection); the next day Rubin adds the 30 days before it
 * (precovery), so alerts from then on carry those too. Not a solar-system object: no ssSource,
 * no mpc_orbits.
 */
import type { CutoutRenderer } from './cutout-renderer.js';
import { lsstCutouts } from './lsst-cutouts.js';
import { diaForcedSourceRecord } from './lsst-dia-forced-source-record.js';
import { diaObjectRecord } from './lsst-dia-object-record.js';
import { diaSourceRecord } from './lsst-dia-source-record.js';
import type { LsstObservation, LsstSimulatedObject } from './lsst-simulated-object.js';

export interface LsstAlertRecordOptions {
  readonly historyDays: number;
}

const PRECOVERY_DAYS = 30;
/** Precovery photometry is measured in the day after the DIA object is created. */
const PRECOVERY_DELAY_DAYS = 1;

export function lsstAlertRecord(object: LsstSimulatedObject, at: number, cutouts: CutoutRenderer, options: LsstAlertRecordOptions): Record<string, unknown> {
  const observation = object.observations[at]!;
  if (observation.diaSourceId === null || object.firstDetectionMjd === null) throw new Error('an alert needs a detection');
  const { mjd } = observation.epoch;
  const earlier = object.observations.slice(0, at).filter((o) => o.epoch.mjd >= mjd - options.historyDays);
  const forcedSince = mjd >= object.firstDetectionMjd + PRECOVERY_DELAY_DAYS ? object.firstDetectionMjd - PRECOVERY_DAYS : object.firstDetectionMjd;
  const diaSource = cached(diaSources, object, observation, diaSourceRecord);
  const prvDiaSources = earlier.filter((o) => o.diaSourceId !== null).map((o) => cached(diaSources, object, o, diaSourceRecord));
  const prvDiaForcedSources = earlier.filter((o) => o.epoch.mjd >= forcedSince).map((o) => cached(forcedSources, object, o, diaForcedSourceRecord));
  const nDiaSources = object.observations.slice(0, at + 1).filter((o) => o.diaSourceId !== null).length;
  const diaObject = diaObjectRecord(object, { sources: [...prvDiaSources, diaSource], forcedSources: prvDiaForcedSources, nDiaSources });
  return {
    diaSourceId: observation.diaSourceId,
    observation_reason: null,
    target_name: null,
    diaSource,
    // as real alerts: no earlier detections is null, no forced photometry an empty list
    prvDiaSources: prvDiaSources.length > 0 ? prvDiaSources : null,
    prvDiaForcedSources,
    diaObject,
    ssSource: null,
    mpc_orbits: null,
    ...lsstCutouts(cutouts, object, observation, diaSource as { ra: number; dec: number }),
  };
}

/** History records are the same in every alert of an object: built once, then shared. */
const diaSources = new WeakMap<LsstObservation, Record<string, unknown>>();
const forcedSources = new WeakMap<LsstObservation, Record<string, unknown>>();

function cached(
  cache: WeakMap<LsstObservation, Record<string, unknown>>,
  object: LsstSimulatedObject,
  observation: LsstObservation,
  build: (object: LsstSimulatedObject, observation: LsstObservation) => Record<string, unknown>,
): Record<string, unknown> {
  let record = cache.get(observation);
  if (!record) cache.set(observation, (record = build(object, observation)));
  return record;
}
