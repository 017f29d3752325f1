/**
 * What the pipeline measures at an epoch: the difference flux with noise set by the epoch's
 * depth (the 5-sigma limit), a detection when it reaches 5 sigma (positive or negative), and
 * then magpsf / sigmapsf of the absolute difference flux, as ZTF reports them.
 */
import type { SeededRandom } from './seeded-random.js';
import { fluxOf, magOf } from './light-curve-model.js';

/** Calibration floor of ZTF photometry. */
const SYSTEMATIC_MAG = 0.012;

export type Measurement =
  | { readonly detected: false; readonly differenceFlux: number; readonly fluxError: number }
  | {
      readonly detected: true;
      readonly differenceFlux: number;
      readonly fluxError: number;
      readonly magpsf: number;
      readonly sigmapsf: number;
      readonly isdiffpos: 't' | 'f';
      readonly snr: number;
    };

export function measure(rng: SeededRandom, trueDifferenceFlux: number, diffmaglim: number): Measurement {
  const fluxError = fluxOf(diffmaglim) / 5;
  const differenceFlux = trueDifferenceFlux + rng.normal(0, fluxError);
  const snr = Math.abs(differenceFlux) / fluxError;
  if (snr < 5) return { detected: false, differenceFlux, fluxError };
  return {
    detected: true,
    differenceFlux,
    fluxError,
    magpsf: magOf(Math.abs(differenceFlux)),
    sigmapsf: Math.hypot(1.0857 / snr, SYSTEMATIC_MAG),
    isdiffpos: differenceFlux > 0 ? 't' : 'f',
    snr,
  };
}
