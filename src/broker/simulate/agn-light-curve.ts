/**
 * An AGN-like nucleus: slow stochastic variability as a damped random walk
 * (Ornstein-Uhlenbeck process; timescale 50-400 d, structure function 0.15-0.4 mag), one walk
 * driving every band with a larger amplitude at shorter wavelengths (bluer when brighter), and
 * roughly a low-redshift quasar's colours in Rubin's other bands. The walk is sampled on a
 * half-day grid over the object's span and interpolated, so `flux` is a pure function of time.
 */
import type { SeededRandom } from './seeded-random.js';
import { type Band, type LightCurveModel, fluxOf } from './light-curve-model.js';

const STEP_DAYS = 0.5;

export interface AgnParameters {
  readonly timescale: number;
  readonly meanMagR: number;
}

export function createAgnLightCurve(rng: SeededRandom, startJd: number, endJd: number): LightCurveModel & AgnParameters {
  const timescale = rng.uniform(50, 400);
  const structureFunction = rng.uniform(0.15, 0.4);
  const meanMagR = rng.uniform(17.0, 19.0);
  const colour = rng.uniform(0.0, 0.4);
  const steps = Math.ceil((endJd - startJd) / STEP_DAYS) + 2;
  const walk = new Float64Array(steps);
  const sigma = structureFunction / Math.SQRT2; // the process's stationary deviation
  const decay = Math.exp(-STEP_DAYS / timescale);
  walk[0] = rng.normal(0, sigma);
  for (let i = 1; i < steps; i++) walk[i] = walk[i - 1]! * decay + rng.normal(0, sigma * Math.sqrt(1 - decay * decay));
  const deviation = (jd: number) => {
    const x = Math.min(Math.max((jd - startJd) / STEP_DAYS, 0), steps - 1.001);
    const i = Math.floor(x);
    return walk[i]! + (walk[i + 1]! - walk[i]!) * (x - i);
  };
  // u g r i z y
  const colourOffset = [colour + 0.25, colour, 0, -0.15, -0.25, -0.35];
  const bandAmplitude = [1.5, 1.3, 1, 0.85, 0.75, 0.7];
  const meanMag = (band: Band) => meanMagR + colourOffset[band]!;
  return {
    simulatedClass: 'agn',
    timescale,
    meanMagR,
    referenceFlux: (band) => fluxOf(meanMag(band)),
    flux: (time, band) => fluxOf(meanMag(band) + deviation(time) * bandAmplitude[band]!),
  };
}
