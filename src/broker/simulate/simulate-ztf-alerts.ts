/**
 * Simulated ZTF 4.02 alerts with known classes: objects of the chosen class mix, each
 * observed on a ZTF-like cadence, each giving one to a few successive alerts (its last
 * detections; each later alert's history holds the earlier detections and upper limits).
 * The same options and seed give the same alerts.
 */
import { randomInt } from 'node:crypto';
import { ClassScheduler, DEFAULT_CLASS_MIX, type ClassMix } from './class-mix.js';
import { CutoutRenderer } from './cutout-renderer.js';
import type { SimulatedClass } from './light-curve-model.js';
import { SeededRandom } from './seeded-random.js';
import { createSimulatedObject } from './simulated-object.js';
import { ztfAlertRecord } from './ztf-alert-record.js';
import { CandidRegistry, objectIdFor } from './ztf-ids.js';

export interface SimulationOptions {
  /** How many alerts. */
  readonly n: number;
  /** Without one, a random seed is drawn (and reported in the labels' summary). */
  readonly seed?: number;
  readonly classes?: ClassMix;
  /** Alerts per object, drawn uniformly in [min, max] (the last object may give fewer). */
  readonly alertsPerObject?: { readonly min: number; readonly max: number };
  /** How far back each alert's history reaches (ZTF: 30 days). */
  readonly historyDays?: number;
  /** The share of objects whose alerts carry forced photometry (fp_hists). */
  readonly forcedPhotometryShare?: number;
  /** The simulated alerts' detections fall in [startJd, startJd + surveyDays]. */
  readonly startJd?: number;
  readonly surveyDays?: number;
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

export const DEFAULT_ALERTS_PER_OBJECT = { min: 1, max: 5 } as const;

export function simulationSeed(options: SimulationOptions): number {
  return options.seed ?? randomInt(0, 2 ** 31);
}

export async function* simulateZtfAlerts(options: SimulationOptions): AsyncGenerator<SimulatedAlert> {
  yield* generateZtfAlerts({ ...options, seed: simulationSeed(options) });
}

/** The synchronous core of simulateZtfAlerts (for callers that need no event-loop turns). */
export function* generateZtfAlerts(options: SimulationOptions): Generator<SimulatedAlert> {
  validate(options);
  const seed = options.seed ?? 1;
  const rng = new SeededRandom(seed);
  const perObject = options.alertsPerObject ?? DEFAULT_ALERTS_PER_OBJECT;
  const historyDays = options.historyDays ?? 30;
  const startJd = options.startJd ?? 2460200.5;
  const surveyDays = options.surveyDays ?? 120;
  const scheduler = new ClassScheduler(options.classes ?? DEFAULT_CLASS_MIX);
  const renderer = new CutoutRenderer(rng.fork(), options.gzipLevel ?? 0);
  const candids = new CandidRegistry(seed);
  const nameSalt = rng.int(0, 26 ** 6);
  let emitted = 0;
  for (let index = 0; emitted < options.n; index++) {
    const simulatedClass = scheduler.next();
    const objectRng = rng.fork();
    const wanted = Math.min(objectRng.int(perObject.min, perObject.max), options.n - emitted);
    const endJd = startJd + objectRng.uniform(0, surveyDays);
    let object = createSimulatedObject(objectRng, simulatedClass, index, endJd, historyDays + 20, candids);
    for (let attempt = 0; !object.observations.some((o) => o.measurement.detected); attempt++) {
      if (attempt > 50) throw new Error(`could not simulate a detectable ${simulatedClass} object`);
      object = createSimulatedObject(objectRng, simulatedClass, index, endJd, historyDays + 20, candids);
    }
    const detections = object.observations.flatMap((o, at) => (o.measurement.detected ? [at] : []));
    const alertsAt = detections.slice(-wanted);
    const objectId = objectIdFor(index, object.firstDetectionJd ?? object.observations[detections[0]!]!.epoch.jd, nameSalt);
    const withForcedPhotometry = objectRng.chance(options.forcedPhotometryShare ?? 0.5);
    for (const at of alertsAt) {
      const record = ztfAlertRecord(object, objectId, at, renderer, { historyDays, withForcedPhotometry });
      yield { record, label: { candid: object.observations[at]!.candid!, objectId, class: simulatedClass } };
    }
    scheduler.record(simulatedClass, alertsAt.length);
    emitted += alertsAt.length;
  }
}

function validate(options: SimulationOptions): void {
  if (!Number.isSafeInteger(options.n) || options.n < 0) throw new Error(`the number of alerts must be a whole number >= 0, got ${options.n}`);
  const per = options.alertsPerObject;
  if (per && (!Number.isSafeInteger(per.min) || !Number.isSafeInteger(per.max) || per.min < 1 || per.max < per.min)) {
    throw new Error(`alerts per object must be whole numbers with 1 <= min <= max, got ${per.min}-${per.max}`);
  }
  if (options.historyDays !== undefined && !(options.historyDays > 0)) throw new Error(`historyDays must be above 0, got ${options.historyDays}`);
  const level = options.gzipLevel;
  if (level !== undefined && (!Number.isInteger(level) || level < 0 || level > 9)) throw new Error(`the gzip level must be 0 to 9, got ${level}`);
}
