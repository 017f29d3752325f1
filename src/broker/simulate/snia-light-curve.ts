/**
 * A type Ia supernova-like transient: a Bazin profile per band (exponential rise over
 * ~15-20 days, then decline), g declining faster than r so the colour reddens after peak,
 * as SNe Ia do (g-r from about -0.1 at peak to about +1 a month later). Rubin's other bands
 * follow from g and r with rough colours of SNe Ia at peak: u fainter and fastest to fade,
 * i, z and y fainter than r and slower (their secondary maximum).
 */
import type { SeededRandom } from './seeded-random.js';
import type { LightCurveModel } from './light-curve-model.js';
import { fluxOf } from './light-curve-model.js';

interface BazinBand {
  readonly amplitude: number;
  readonly fallTime: number;
}

export interface SniaParameters {
  readonly peakJd: number;
  readonly peakMagR: number;
  readonly riseTime: number;
}

export function createSniaLightCurve(rng: SeededRandom, peakJd: number): LightCurveModel & SniaParameters {
  const peakMagR = rng.uniform(17.3, 19.6);
  const riseTime = rng.uniform(2.8, 4.2); // Bazin rise constant: 1% to peak in ~15-20 days
  const colourAtPeak = rng.normal(-0.08, 0.08);
  const fallG = rng.uniform(11, 17);
  const fallR = rng.uniform(22, 32);
  const bands: readonly BazinBand[] = [
    bazinBand(peakMagR + colourAtPeak + 0.45, riseTime, fallG * 0.8),
    bazinBand(peakMagR + colourAtPeak, riseTime, fallG),
    bazinBand(peakMagR, riseTime, fallR),
    bazinBand(peakMagR + 0.5, riseTime, fallR * 1.2),
    bazinBand(peakMagR + 0.55, riseTime, fallR * 1.25),
    bazinBand(peakMagR + 0.6, riseTime, fallR * 1.3),
  ];
  return {
    simulatedClass: 'snia',
    peakJd,
    peakMagR,
    riseTime,
    referenceFlux: () => 0,
    flux(time, band) {
      const { amplitude, fallTime } = bands[band]!;
      const t = time - peakJd - peakOffset(riseTime, fallTime);
      return amplitude * bazin(t, riseTime, fallTime);
    },
  };
}

/** Bazin et al. (2009): exp(-t/fall) / (1 + exp(-t/rise)). */
function bazin(t: number, rise: number, fall: number): number {
  return Math.exp(-t / fall) / (1 + Math.exp(-t / rise));
}

/** Where the Bazin profile peaks relative to its t0. */
function peakOffset(rise: number, fall: number): number {
  return rise * Math.log(fall / rise - 1);
}

function bazinBand(peakMag: number, rise: number, fall: number): BazinBand {
  const peak = bazin(peakOffset(rise, fall), rise, fall);
  return { amplitude: fluxOf(peakMag) / peak, fallTime: fall };
}
