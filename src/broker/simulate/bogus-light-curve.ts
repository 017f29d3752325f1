/**
 * Artefacts (bad subtractions, ghosts and spikes of bright stars, cosmic rays, edge effects):
 * no coherent light curve. Each epoch independently shows, with some probability, a spurious
 * positive or negative flux near the detection limit; otherwise nothing. The draw is a hash of
 * the epoch, so `flux` stays a pure function of time.
 */
import type { SeededRandom } from './seeded-random.js';
import { type LightCurveModel, fluxOf } from './light-curve-model.js';

export function createBogusLightCurve(rng: SeededRandom): LightCurveModel {
  const salt = rng.uint32();
  const rate = rng.uniform(0.15, 0.5);
  const reference = rng.chance(0.5) ? fluxOf(rng.uniform(12, 17)) : 0; // an artefact on a bright star, or on empty sky
  return {
    simulatedClass: 'bogus',
    referenceFlux: () => reference,
    flux(time, band) {
      const u = hashUniform(salt, time, band, 0);
      if (u > rate) return reference;
      const spurious = fluxOf(18.3 + 2.2 * hashUniform(salt, time, band, 1));
      return reference + (hashUniform(salt, time, band, 2) < 0.7 ? spurious : -Math.min(spurious, reference || spurious));
    },
  };
}

/** A uniform value in [0, 1) from (salt, time, band, index): deterministic, no state. */
function hashUniform(salt: number, time: number, band: number, index: number): number {
  let h = (salt ^ Math.imul(Math.round(time * 86400) | 0, 0x9e3779b1) ^ Math.imul(band * 4 + index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
