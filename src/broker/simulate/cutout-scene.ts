/**
 * What the three cutouts of an alert show, in the image's units (ZTF: DN, Rubin: nJy): the sky,
 * a host galaxy or a neighbouring star present in both the science and the template image, the
 * source at its template flux and at its current flux, and for artefacts what spoils the
 * subtraction.
 */
import type { Measurement } from './photometry.js';

export type Artefact = 'none' | 'hot-pixel' | 'streak' | 'dipole';

/** What spoils a bogus detection, drawn uniformly: misaligned subtractions are the commonest. */
export const ARTEFACTS: readonly Artefact[] = ['hot-pixel', 'streak', 'dipole', 'dipole'];

export interface CutoutScene {
  /** Sky level of the science image, per pixel. */
  readonly sky: number;
  /** Noise per pixel of the difference image (science and template noise combined). */
  readonly noise: number;
  /** Gaussian PSF width (sigma), in pixels. */
  readonly psfSigma: number;
  /** Sub-pixel offset of the source from the cutout's centre. */
  readonly dx: number;
  readonly dy: number;
  /** Source flux in the template and in the science image, in DN. */
  readonly referenceFlux: number;
  readonly scienceFlux: number;
  /** An extended host galaxy (SNe, AGN). */
  readonly host?: { readonly dx: number; readonly dy: number; readonly flux: number; readonly sigma: number };
  /** A star near the source (bright-star artefacts), in both images. */
  readonly neighbour?: { readonly dx: number; readonly dy: number; readonly flux: number };
  readonly artefact: Artefact;
}

export type SourceScene = Pick<CutoutScene, 'noise' | 'psfSigma' | 'dx' | 'dy' | 'referenceFlux' | 'scienceFlux'>;

/**
 * The source of a scene: its template flux (model units, a negative one shows as nothing) and a
 * measurement of the difference, in image units (`toImage` per model flux unit), through a
 * Gaussian PSF (sigma in pixels), at a sub-pixel offset from the cutout's centre.
 */
export function sourceScene(measurement: Measurement, referenceFlux: number, toImage: number, psfSigma: number, position: { readonly x: number; readonly y: number }): SourceScene {
  const reference = Math.max(referenceFlux, 0) * toImage;
  return {
    // the PSF-fit error spread over the PSF's effective area (4 pi sigma^2)
    noise: (measurement.fluxError * toImage) / Math.sqrt(4 * Math.PI * psfSigma * psfSigma),
    psfSigma,
    dx: (position.x % 1) - 0.5,
    dy: (position.y % 1) - 0.5,
    referenceFlux: reference,
    scienceFlux: reference + measurement.differenceFlux * toImage,
  };
}
