/** What a simulation of any survey takes, and the checks every survey's options pass. */
import { randomInt } from 'node:crypto';
import type { ClassMix } from './class-mix.js';

export interface SimulationOptions {
  /** How many alerts. */
  readonly n: number;
  /** Without one, a random seed is drawn (and reported in the summary). */
  readonly seed?: number;
  readonly classes?: ClassMix;
  /** Alerts per object, drawn uniformly in [min, max] (the last object may give fewer). */
  readonly alertsPerObject?: { readonly min: number; readonly max: number };
  /** How far back each alert's history reaches (ZTF: 30 days, Rubin: 365). */
  readonly historyDays?: number;
  /** Each object's last alert falls in a window of this many days from the survey's start. */
  readonly surveyDays?: number;
}

export const DEFAULT_ALERTS_PER_OBJECT = { min: 1, max: 5 } as const;

export function simulationSeed(options: SimulationOptions): number {
  return options.seed ?? randomInt(0, 2 ** 31);
}

export function validateSimulationOptions(options: SimulationOptions): void {
  if (!Number.isSafeInteger(options.n) || options.n < 0) throw new Error(`the number of alerts must be a whole number >= 0, got ${options.n}`);
  const per = options.alertsPerObject;
  if (per && (!Number.isSafeInteger(per.min) || !Number.isSafeInteger(per.max) || per.min < 1 || per.max < per.min)) {
    throw new Error(`alerts per object must be whole numbers with 1 <= min <= max, got ${per.min}-${per.max}`);
  }
  if (options.historyDays !== undefined && !(options.historyDays > 0)) throw new Error(`historyDays must be above 0, got ${options.historyDays}`);
}
