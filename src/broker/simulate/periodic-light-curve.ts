/**
 * A periodic variable star: an RR Lyrae-like pulsator (0.3-0.9 d, fast rise and slow decline,
 * larger amplitude in g) or an eclipsing binary (0.3-10 d, flat outside two eclipses of
 * different depths). The template holds the star at its mean flux, so the difference image
 * swings positive and negative.
 */
import type { SeededRandom } from './seeded-random.js';
import { type Band, type LightCurveModel, G_BAND, fluxOf } from './light-curve-model.js';

export interface PeriodicParameters {
  readonly kind: 'rrlyrae' | 'eclipsing';
  readonly period: number;
  readonly meanMagR: number;
}

export function createPeriodicLightCurve(rng: SeededRandom): LightCurveModel & PeriodicParameters {
  const kind = rng.chance(0.5) ? 'rrlyrae' : 'eclipsing';
  const period = kind === 'rrlyrae' ? rng.uniform(0.3, 0.9) : Math.exp(rng.uniform(Math.log(0.3), Math.log(10)));
  const meanMagR = rng.uniform(14.5, 18.5);
  const colour = kind === 'rrlyrae' ? rng.uniform(0.1, 0.4) : rng.uniform(-0.2, 1.0);
  const amplitudeR = kind === 'rrlyrae' ? rng.uniform(0.3, 0.8) : rng.uniform(0.2, 0.9);
  const secondaryDepth = rng.uniform(0.1, 0.8);
  const eclipseWidth = rng.uniform(0.04, 0.12);
  const epoch = rng.uniform(0, period);
  // g pulsates ~1.3 times more than r; eclipses are near-grey
  const amplitude = (fid: Band) => amplitudeR * (fid === G_BAND ? (kind === 'rrlyrae' ? 1.3 : 1.05) : 1);
  const magOffset = (phase: number, fid: Band): number => {
    if (kind === 'rrlyrae') {
      const rising = 0.15; // the rise takes 15% of the cycle
      const shape = phase < rising ? 1 - phase / rising : (phase - rising) / (1 - rising);
      return amplitude(fid) * (shape - 0.5);
    }
    const primary = eclipse(phase, 0, eclipseWidth);
    const secondary = eclipse(phase, 0.5, eclipseWidth) * secondaryDepth;
    return amplitude(fid) * Math.max(primary, secondary);
  };
  const meanFlux = (fid: Band) => {
    let total = 0;
    for (let i = 0; i < 100; i++) total += fluxOf(meanMagR + (fid === G_BAND ? colour : 0) + magOffset(i / 100, fid));
    return total / 100;
  };
  const reference: Record<Band, number> = { 1: meanFlux(1), 2: meanFlux(2) };
  return {
    simulatedClass: 'variable',
    kind,
    period,
    meanMagR,
    referenceFlux: (fid) => reference[fid],
    flux(jd, fid) {
      const phase = (((jd - epoch) / period) % 1 + 1) % 1;
      return fluxOf(meanMagR + (fid === G_BAND ? colour : 0) + magOffset(phase, fid));
    },
  };
}

/** Eclipse depth profile (0..1) around a centre phase, with wrap-around. */
function eclipse(phase: number, centre: number, width: number): number {
  let d = Math.abs(phase - centre);
  d = Math.min(d, 1 - d);
  return d >= width ? 0 : 1 - (d / width) ** 2;
}
