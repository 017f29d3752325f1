/** The light-curve model of an object of a class, over the span [start, end] it is observed (days, any time scale). */
import type { SeededRandom } from './seeded-random.js';
import type { LightCurveModel, SimulatedClass } from './light-curve-model.js';
import { createSniaLightCurve } from './snia-light-curve.js';
import { createPeriodicLightCurve } from './periodic-light-curve.js';
import { createAgnLightCurve } from './agn-light-curve.js';
import { createBogusLightCurve } from './bogus-light-curve.js';

export function createLightCurve(rng: SeededRandom, simulatedClass: SimulatedClass, start: number, end: number): LightCurveModel {
  switch (simulatedClass) {
    case 'snia':
      return createSniaLightCurve(rng, end - rng.uniform(2, 22)); // seen from before explosion to after peak
    case 'variable':
      return createPeriodicLightCurve(rng);
    case 'agn':
      return createAgnLightCurve(rng, start, end);
    case 'bogus':
      return createBogusLightCurve(rng);
  }
}
