/**
 * The lsst.v10_0 `diaObject` record of an alert: the object's position and, band by band, the
 * summary of the diaSources the alert carries (inverse-variance weighted means and their errors,
 * scatter, extremes, steepest change between successive detections, mean error) and of its
 * forced photometry. A band without detections has a count of 0 and nulls, as Rubin writes it.
 */
import { BAND_NAMES } from './light-curve-model.js';
import type { LsstSimulatedObject } from './lsst-simulated-object.js';

interface SourceFields {
  readonly midpointMjdTai: number;
  readonly band: string;
  readonly ra: number;
  readonly dec: number;
  readonly raErr: number;
  readonly decErr: number;
  readonly ra_dec_Cov: number;
  readonly psfFlux: number;
  readonly psfFluxErr: number;
  readonly scienceFlux: number;
  readonly scienceFluxErr: number;
  readonly timeProcessedMjdTai: number;
}

interface ForcedFields {
  readonly band: string;
  readonly psfFlux: number;
  readonly psfFluxErr: number;
}

export interface DiaObjectInputs {
  /** The alert's diaSources, oldest first, the triggering one last. */
  readonly sources: readonly Record<string, unknown>[];
  readonly forcedSources: readonly Record<string, unknown>[];
  /** Every detection of the object so far, beyond the alert's history too. */
  readonly nDiaSources: number;
}

/** Real alerts' objects are updated about 7.5 s after their triggering diaSource is processed. */
const UPDATE_SECONDS = 7.5;

export function diaObjectRecord(object: LsstSimulatedObject, inputs: DiaObjectInputs): Record<string, unknown> {
  // the records diaSourceRecord and diaForcedSourceRecord build: these fields are numbers there
  const sources = inputs.sources as unknown as readonly SourceFields[];
  const forced = inputs.forcedSources as unknown as readonly ForcedFields[];
  const current = sources.at(-1);
  if (!current || object.diaObjectId === null) throw new Error('a diaObject needs a detection');
  const ra = weightedMean(sources.map((s) => [s.ra, s.raErr]));
  const dec = weightedMean(sources.map((s) => [s.dec, s.decErr]));
  const record: Record<string, unknown> = {
    diaObjectId: object.diaObjectId,
    validityStartMjdTai: current.timeProcessedMjdTai + UPDATE_SECONDS / 86_400,
    ra: ra.mean,
    raErr: ra.error,
    dec: dec.mean,
    decErr: dec.error,
    ra_dec_Cov: sources.reduce((sum, s) => sum + s.ra_dec_Cov, 0) / sources.length ** 2,
  };
  const inBand = BAND_NAMES.map((band) => ({ band, detected: sources.filter((s) => s.band === band), forced: forced.filter((f) => f.band === band) }));
  for (const { band, detected, forced: forcedInBand } of inBand) {
    const psf = weightedMean(detected.map((s) => [s.psfFlux, s.psfFluxErr]));
    const fp = weightedMean(forcedInBand.map((f) => [f.psfFlux, f.psfFluxErr]));
    Object.assign(record, {
      [`${band}_psfFluxMean`]: psf.mean,
      [`${band}_psfFluxMeanErr`]: psf.error,
      [`${band}_psfFluxSigma`]: standardDeviation(detected.map((s) => s.psfFlux)),
      [`${band}_psfFluxNdata`]: detected.length,
      [`${band}_fpFluxMean`]: fp.mean,
      [`${band}_fpFluxMeanErr`]: fp.error,
    });
  }
  for (const { band, detected } of inBand) {
    const science = weightedMean(detected.map((s) => [s.scienceFlux, s.scienceFluxErr]));
    Object.assign(record, { [`${band}_scienceFluxMean`]: science.mean, [`${band}_scienceFluxMeanErr`]: science.error });
  }
  for (const { band, detected } of inBand) {
    const fluxes = detected.map((s) => s.psfFlux);
    const any = fluxes.length > 0;
    Object.assign(record, {
      [`${band}_psfFluxMin`]: any ? Math.min(...fluxes) : null,
      [`${band}_psfFluxMax`]: any ? Math.max(...fluxes) : null,
      [`${band}_psfFluxMaxSlope`]: maxSlope(detected),
      [`${band}_psfFluxErrMean`]: any ? detected.reduce((sum, s) => sum + s.psfFluxErr, 0) / detected.length : null,
    });
  }
  record.firstDiaSourceMjdTai = object.firstDetectionMjd;
  record.lastDiaSourceMjdTai = current.midpointMjdTai;
  record.nDiaSources = inputs.nDiaSources;
  return record;
}

/** Inverse-variance weighted mean and its error; nulls for no values. */
function weightedMean(values: readonly (readonly [number, number])[]): { mean: number | null; error: number | null } {
  if (values.length === 0) return { mean: null, error: null };
  let weights = 0;
  let sum = 0;
  for (const [value, error] of values) {
    const weight = 1 / (error * error);
    weights += weight;
    sum += weight * value;
  }
  return { mean: sum / weights, error: 1 / Math.sqrt(weights) };
}

function standardDeviation(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
}

/** The steepest flux change between successive detections, nJy per day. */
function maxSlope(sources: readonly SourceFields[]): number | null {
  let steepest: number | null = null;
  for (let i = 1; i < sources.length; i++) {
    const slope = Math.abs((sources[i]!.psfFlux - sources[i - 1]!.psfFlux) / (sources[i]!.midpointMjdTai - sources[i - 1]!.midpointMjdTai));
    steepest = Math.max(steepest ?? 0, slope);
  }
  return steepest;
}
