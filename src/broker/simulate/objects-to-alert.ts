/**
 * The objects a simulation alerts on, one after another until it has n alerts: each object's
 * class (the ClassScheduler keeps the alert counts on the mix), its own random stream, the time
 * its observations end (uniform over the survey window), the object itself (drawn again until it
 * has a detection that can alert) and the detections that alert: its last one to
 * `alertsPerObject`, fewer for the last object so that exactly n alerts come out. Surveys differ
 * in how they create an object, which detections may alert, and how they cut alerts.
 */
import { ClassScheduler, DEFAULT_CLASS_MIX } from './class-mix.js';
import type { SimulatedClass } from './light-curve-model.js';
import type { Measurement } from './photometry.js';
import type { SeededRandom } from './seeded-random.js';
import { DEFAULT_ALERTS_PER_OBJECT, type SimulationOptions } from './simulation-options.js';

export interface ObservedObject {
  readonly observations: readonly { readonly measurement: Measurement }[];
}

export type CreateObject<O> = (rng: SeededRandom, simulatedClass: SimulatedClass, index: number, endTime: number) => O;

/** Whether an observation of an object whose observations end at `endTime` gives an alert. */
export type CanAlert<O extends ObservedObject> = (observation: O['observations'][number], endTime: number) => boolean;

const detected: CanAlert<ObservedObject> = (observation) => observation.measurement.detected;

export interface ObjectToAlert<O> {
  readonly object: O;
  readonly simulatedClass: SimulatedClass;
  readonly index: number;
  /** The object's own stream, for the survey's draws after its creation. */
  readonly rng: SeededRandom;
  /** Indexes in `object.observations` of the detections that alert, in time order. */
  readonly alertsAt: readonly number[];
}

export interface SurveyWindow {
  readonly start: number;
  readonly days: number;
}

/** The caller must emit one alert per entry of `alertsAt` before asking for the next object. Every detection alerts unless `canAlert` says otherwise. */
export function* objectsToAlert<O extends ObservedObject>(
  options: SimulationOptions,
  rng: SeededRandom,
  window: SurveyWindow,
  create: CreateObject<O>,
  canAlert: CanAlert<O> = detected,
): Generator<ObjectToAlert<O>> {
  const perObject = options.alertsPerObject ?? DEFAULT_ALERTS_PER_OBJECT;
  const scheduler = new ClassScheduler(options.classes ?? DEFAULT_CLASS_MIX);
  let emitted = 0;
  for (let index = 0; emitted < options.n; index++) {
    const simulatedClass = scheduler.next();
    const objectRng = rng.fork();
    const wanted = Math.min(objectRng.int(perObject.min, perObject.max), options.n - emitted);
    const endTime = window.start + objectRng.uniform(0, window.days);
    let object = create(objectRng, simulatedClass, index, endTime);
    for (let attempt = 0; !object.observations.some((o) => canAlert(o, endTime)); attempt++) {
      if (attempt > 50) throw new Error(`could not simulate a detectable ${simulatedClass} object`);
      object = create(objectRng, simulatedClass, index, endTime);
    }
    const detections = object.observations.flatMap((o, at) => (canAlert(o, endTime) ? [at] : []));
    const alertsAt = detections.slice(-wanted);
    yield { object, simulatedClass, index, rng: objectRng, alertsAt };
    scheduler.record(simulatedClass, alertsAt.length);
    emitted += alertsAt.length;
  }
}
