/**
 * Simulated ZTF 4.02 alerts with known classes: objects of the chosen class mix, each
 * observed on a ZTF-like cadence, each giving one to a few successive alerts (its last
 * detections; each later alert's history holds the earlier detections and upper limits).
 * The same options and seed give the same alerts.
 */
import { CutoutRenderer } from './cutout-renderer.js';
import type { SimulatedClass } from './light-curve-model.js';
import { objectsToAlert } from './objects-to-alert.js';
import { SeededRandom } from './seeded-random.js';
import { createSimulatedObject } from './simulated-object.js';
import { type SimulationOptions, simulationSeed, validateSimulationOptions } from './simulation-options.js';
import { ZTF_CUTOUT_GEOMETRY, ztfAlertRecord } from './ztf-alert-record.js';
import { CandidRegistry, objectIdFor } from './ztf-ids.js';

export interface ZtfSimulationOptions extends SimulationOptions {
  /** The share of objects whose alerts carry forced photometry (fp_hists). */
  readonly forcedPhotometryShare?: number;
  /** The simulated alerts' detections fall in [startJd, startJd + surveyDays]. */
  readonly startJd?: number;
  /** gzip level of the cutouts: 0 (stored, fastest) to 9. */
  readonly gzipLevel?: number;
}

export interface AlertLabel {
  readonly candid: bigint;
  readonly objectId: string;
  readonly class: SimulatedClass;
}

export interface SimulatedAlert {
  /** The alert as the ZTF 4.02 schema encodes it (longs as BigInt, cutouts as Buffers). */
  readonly record: Record<string, unknown>;
  readonly label: AlertLabel;
}

export async function* simulateZtfAlerts(options: ZtfSimulationOptions): AsyncGenerator<SimulatedAlert> {
  yield* generateZtfAlerts({ ...options, seed: simulationSeed(options) });
}

/** The synchronous core of simulateZtfAlerts (for callers that need no event-loop turns). */
export function* generateZtfAlerts(options: ZtfSimulationOptions): Generator<SimulatedAlert> {
  validate(options);
  const seed = options.seed ?? 1;
  const rng = new SeededRandom(seed);
  const historyDays = options.historyDays ?? 30;
  const gzipLevel = options.gzipLevel ?? 0;
  const renderer = new CutoutRenderer(rng.fork(), ZTF_CUTOUT_GEOMETRY);
  const candids = new CandidRegistry(seed);
  const nameSalt = rng.int(0, 26 ** 6);
  const window = { start: options.startJd ?? 2460200.5, days: options.surveyDays ?? 120 };
  const objects = objectsToAlert(options, rng, window, (objectRng, simulatedClass, index, endJd) =>
    createSimulatedObject(objectRng, simulatedClass, index, endJd, historyDays + 20, candids),
  );
  for (const { object, simulatedClass, index, rng: objectRng, alertsAt } of objects) {
    const firstDetection = object.observations.find((o) => o.measurement.detected)!;
    const objectId = objectIdFor(index, object.firstDetectionJd ?? firstDetection.epoch.jd, nameSalt);
    const withForcedPhotometry = objectRng.chance(options.forcedPhotometryShare ?? 0.5);
    for (const at of alertsAt) {
      const record = ztfAlertRecord(object, objectId, at, renderer, { historyDays, withForcedPhotometry, gzipLevel });
      yield { record, label: { candid: object.observations[at]!.candid!, objectId, class: simulatedClass } };
    }
  }
}

function validate(options: ZtfSimulationOptions): void {
  validateSimulationOptions(options);
  const level = options.gzipLevel;
  if (level !== undefined && (!Number.isInteger(level) || level < 0 || level > 9)) throw new Error(`the gzip level must be 0 to 9, got ${level}`);
}
