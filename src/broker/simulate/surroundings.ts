/**
 * What surrounds an object of a class in the reference catalogues and images: a host galaxy
 * (SNe near its centre, AGN at it), the nearest reference and PS1 sources, a bright Gaia star
 * near artefacts. Distances are in ZTF pixels (1.01 arcsec) unless named in arcsec.
 */
import type { SeededRandom } from './seeded-random.js';
import { type LightCurveModel, type SimulatedClass, magOf } from './light-curve-model.js';

/** The reference-catalogue surroundings: the nearest source in the reference image and in PS1. */
export interface Surroundings {
  /** Nearest reference-image source: distance (pixels) and magnitude. */
  readonly distnr: number;
  readonly magnr: number;
  readonly sgscore1: number;
  readonly distpsnr1: number;
  readonly ps1Mag: number;
  /** Distance (arcsec) and G magnitude of the nearest Gaia star brighter than 14, or -999. */
  readonly neargaiabright: number;
  readonly maggaiabright: number;
  readonly host?: { readonly dx: number; readonly dy: number; readonly mag: number; readonly sigma: number };
}

export function surroundingsFor(rng: SeededRandom, simulatedClass: SimulatedClass, model: LightCurveModel): Surroundings {
  const noBrightStar = { neargaiabright: -999, maggaiabright: -999 };
  switch (simulatedClass) {
    case 'snia': {
      const offset = rng.uniform(0.3, 4); // pixels from the host's centre
      const angle = rng.uniform(0, 2 * Math.PI);
      const hostMag = rng.uniform(17.5, 21.5);
      return {
        distnr: offset,
        magnr: hostMag,
        sgscore1: rng.uniform(0, 0.3),
        distpsnr1: offset * rng.uniform(0.8, 1.2),
        ps1Mag: hostMag,
        ...noBrightStar,
        host: { dx: offset * Math.cos(angle), dy: offset * Math.sin(angle), mag: hostMag, sigma: rng.uniform(1.8, 4.5) },
      };
    }
    case 'variable':
    case 'agn': {
      const mag = magOf(model.referenceFlux(2));
      const star = simulatedClass === 'variable';
      return {
        distnr: rng.uniform(0.05, 0.6),
        magnr: mag,
        sgscore1: star ? rng.uniform(0.85, 1) : rng.uniform(0.2, 0.8),
        distpsnr1: rng.uniform(0.02, 0.5),
        ps1Mag: mag + rng.normal(0, 0.1),
        ...(star && rng.chance(0.1) ? { neargaiabright: rng.uniform(20, 90), maggaiabright: rng.uniform(10, 14) } : noBrightStar),
        ...(star ? {} : { host: { dx: 0, dy: 0, mag: mag + rng.uniform(0.2, 1.5), sigma: rng.uniform(2, 4) } }),
      };
    }
    case 'bogus': {
      const nearBright = rng.chance(0.6);
      return {
        distnr: rng.uniform(0.2, 12),
        magnr: rng.uniform(13, 21),
        sgscore1: rng.uniform(0.3, 1),
        distpsnr1: rng.uniform(0.2, 15),
        ps1Mag: rng.uniform(13, 21),
        neargaiabright: nearBright ? rng.uniform(2, 25) : -999,
        maggaiabright: nearBright ? rng.uniform(8, 14) : -999,
      };
    }
  }
}
