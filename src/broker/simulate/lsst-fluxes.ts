/**
 * Rubin's photometry: fluxes in nanojansky (AB magnitude 31.4 is 1 nJy), what a PSF fit
 * measures of light that is not a point source (a host galaxy under the PSF), and the template
 * (a deep coadd) under the PSF at the object's position.
 */
import { type LightCurveModel, fluxOf } from './light-curve-model.js';
import type { LsstEpoch } from './lsst-cadence.js';

/** Model fluxes (10^(-0.4 mag)) times this are nJy. */
export const NANOJANSKY = 10 ** (0.4 * 31.4);
/** Gaussian FWHM to sigma. */
export const FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.LN2));
/** Rubin's templates coadd many visits: their noise is this fraction of a single visit's. */
export const TEMPLATE_NOISE_RATIO = 0.15;

export interface ExtendedSource {
  /** Offsets east and north of the object, arcsec. */
  readonly dx: number;
  readonly dy: number;
  readonly mag: number;
  /** Gaussian width, arcsec. */
  readonly sigma: number;
}

/**
 * The PSF-fit flux (nJy) of a Gaussian source at an offset from where a Gaussian PSF of FWHM
 * `seeing` is fitted: the least-squares amplitude, F * 2 sp^2 / s^2 * exp(-d^2 / 2 s^2) with
 * s^2 = sigma^2 + sp^2 (the whole flux for a point source on target).
 */
export function psfFitFlux(source: ExtendedSource, seeing: number): number {
  const psfSigma = seeing * FWHM_TO_SIGMA;
  const s2 = source.sigma ** 2 + psfSigma ** 2;
  return fluxOf(source.mag) * NANOJANSKY * ((2 * psfSigma ** 2) / s2) * Math.exp(-(source.dx ** 2 + source.dy ** 2) / (2 * s2));
}

/** What the template shows at an object's position: the source at its reference flux, and its host. */
export interface TemplateScene {
  readonly model: Pick<LightCurveModel, 'referenceFlux'>;
  readonly host?: ExtendedSource;
}

/** The template's PSF-fit flux at the object's position, nJy. */
export function templatePsfFlux(scene: TemplateScene, epoch: LsstEpoch): number {
  const source = Math.max(scene.model.referenceFlux(epoch.band), 0) * NANOJANSKY;
  return source + (scene.host ? psfFitFlux(scene.host, epoch.seeing) : 0);
}

/** The template's share of a difference flux's error (the science image has the rest, in quadrature). */
export function templateFluxError(differenceFluxError: number): number {
  return (differenceFluxError * TEMPLATE_NOISE_RATIO) / Math.sqrt(1 + TEMPLATE_NOISE_RATIO ** 2);
}

/** The science image's share of a difference flux's error. */
export function scienceFluxError(differenceFluxError: number): number {
  return differenceFluxError / Math.sqrt(1 + TEMPLATE_NOISE_RATIO ** 2);
}
