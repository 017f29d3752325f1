/**
 * What the three cutouts of an alert show, in DN: the sky, a host galaxy or a neighbouring
 * star present in both the science and the template image, the source at its template flux
 * and at its current flux, and for artefacts what spoils the subtraction.
 */
export type Artefact = 'none' | 'hot-pixel' | 'streak' | 'dipole';

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
