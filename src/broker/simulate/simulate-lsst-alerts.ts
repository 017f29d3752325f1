/**
 * Simulated Rubin alerts (lsst.v10_0) with known classes: the same class mix and light-curve
 * models as the ZTF simulation, each object observed on Rubin's cadence in six bands, giving
 * one to a few successive alerts (its last detections; each later alert's history holds the
 * earlier detections and forced photometry). The same options and seed give the same alerts.
 */
import { CutoutRenderer } from './cutout-renderer.js';
import type { SimulatedClass } from './light-curve-model.js';
import { lsstAlertRecord } from './lsst-alert-record.js';
import { LSST_CUTOUT_GEOMETRY } from './lsst-cutouts.js';
import { LsstIdRegistry } from './lsst-ids.js';
import { type LsstSimulatedObject, createLsstObject } from './lsst-simulated-object.js';
import { objectsToAlert } from './objects-to-alert.js';
import { SeededRandom } from './seeded-random.js';
import { type SimulationOptions, validateSimulationOptions } from './simulation-options.js';

export interface LsstSimulationOptions extends SimulationOptions {
  /**
   * Each object's observations end in [startMjd, startMjd + surveyDays] (MJD, TAI), its alerts
   * are its detections of the 30 days before: they fall in [startMjd - 30, startMjd + surveyDays].
   */
  readonly startMjd?: number;
}

export interface LsstAlertLabel {
  readonly diaSourceId: bigint;
  readonly diaObjectId: bigint;
  readonly class: SimulatedClass;
}

export interface SimulatedLsstAlert {
  /** The alert as the lsst.v10_0 schema encodes it (longs as BigInt, cutouts as Buffers). */
  readonly record: Record<string, unknown>;
  readonly label: LsstAlertLabel;
  /** What the alert was cut from, for checks against the truth: the object and its observation's index. */
  readonly object: LsstSimulatedObject;
  readonly at: number;
}

/** Rubin alerts carry 12 months of history. */
export const LSST_HISTORY_DAYS = 365;
/** 2026-09-14: the survey's first year done, so alerts carry a full year of history. */
const DEFAULT_START_MJD = 61297;
/**
 * An object alerts on its detections of the last 30 days it is observed: one seen only in an
 * earlier season would otherwise alert months before the window.
 */
const ALERT_DAYS = 30;

export function* generateLsstAlerts(options: LsstSimulationOptions): Generator<SimulatedLsstAlert> {
  validateSimulationOptions(options);
  const seed = options.seed ?? 1;
  const rng = new SeededRandom(seed);
  const historyDays = options.historyDays ?? LSST_HISTORY_DAYS;
  const renderer = new CutoutRenderer(rng.fork(), LSST_CUTOUT_GEOMETRY);
  const ids = new LsstIdRegistry(seed);
  const window = { start: options.startMjd ?? DEFAULT_START_MJD, days: options.surveyDays ?? 120 };
  // the 30 days before the history give transients' precovery and a first detection to name objects by
  const objects = objectsToAlert(
    options,
    rng,
    window,
    (objectRng, simulatedClass, index, endMjd) => createLsstObject(objectRng, simulatedClass, index, endMjd, historyDays + 30, ids),
    (observation, endMjd) => observation.diaSourceId !== null && observation.epoch.mjd >= endMjd - ALERT_DAYS,
  );
  for (const { object, simulatedClass, alertsAt } of objects) {
    for (const at of alertsAt) {
      const record = lsstAlertRecord(object, at, renderer, { historyDays });
      const label = { diaSourceId: object.observations[at]!.diaSourceId!, diaObjectId: object.diaObjectId!, class: simulatedClass };
      yield { record, label, object, at };
    }
  }
}
