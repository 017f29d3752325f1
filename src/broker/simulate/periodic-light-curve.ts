/**
 * A periodic variable star: an RR Lyrae-like pulsator (0.3-0.9 d, fast rise and slow decline,
 * larger amplitude in g) or an eclipsing binary (0.3-10 d, flat outside two eclipses of
 * different depths). The template holds the star at its mean flux, so the difference image
 * swings positive and negative. Rubin's other bands follow the stellar locus from the g-r
 * colour (u-g near 1, r-i, r-z and r-y growing with g-r), pulsations weaker towards the red.
 */
import type { SeededRandom } from './seeded-random.js';
import { type Band, type LightCurveModel, fluxOf } from './light-curve-model.js';

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
  // g pulsates ~1.3 times more than r; eclipses are near-grey (u g r i z y)
  const bandAmplitude = kind === 'rrlyrae' ? [1.55, 1.3, 1, 0.8, 0.7, 0.65] : [1.08, 1.05, 1, 0.98, 0.97, 0.96];
  const amplitude = (band: Band) => amplitudeR * bandAmplitude[band]!;
  const colourOffset = [colour + 0.9 + 1.1 * Math.max(0, colour - 0.2), colour, 0, -0.4 * colour, -0.6 * colour, -0.7 * colour];
  const magOffset = (phase: number, band: Band): number => {
    if (kind === 'rrlyrae') {
      const rising = 0.15; // the rise takes 15% of the cycle
      const shape = phase < rising ? 1 - phase / rising : (phase - rising) / (1 - rising);
      return amplitude(band) * (shape - 0.5);
    }
    const primary = eclipse(phase, 0, eclipseWidth);
    const secondary = eclipse(phase, 0.5, eclipseWidth) * secondaryDepth;
    return amplitude(band) * Math.max(primary, secondary);
  };
  const meanFlux = (band: Band) => {
    let total = 0;
    for (let i = 0; i < 100; i++) total += fluxOf(meanMagR + colourOffset[band]! + magOffset(i / 100, band));
    return total / 100;
  };
  const reference = new Map<Band, number>();
  return {
    simulatedClass: 'variable',
    kind,
    period,
    meanMagR,
    referenceFlux(band) {
      let flux = reference.get(band);
      if (flux === undefined) reference.set(band, (flux = meanFlux(band)));
      return flux;
    },
    flux(time, band) {
      const phase = (((time - epoch) / period) % 1 + 1) % 1;
      return fluxOf(meanMagR + colourOffset[band]! + magOffset(phase, band));
    },
  };
}

/** Eclipse depth profile (0..1) around a centre phase, with wrap-around. */
function eclipse(phase: number, centre: number, width: number): number {
  let d = Math.abs(phase - centre);
  d = Math.min(d, 1 - d);
  return d >= width ? 0 : 1 - (d / width) ** 2;
}
