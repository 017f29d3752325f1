/**
 * Rubin's three cutouts of a detection, laid out as real Rubin alerts carry them: uncompressed
 * FITS, a 30x30 image of 0.2 arcsec pixels in nJy (background subtracted, so the sky is zero)
 * with a TAN WCS centred on the diaSource and turned by the camera's angle, then the pixel
 * variance (extension UNCERT) and the 41x41 PSF model (extension PSFIMAGE).
 */
import type { CutoutGeometry, CutoutRenderer } from './cutout-renderer.js';
import { type CutoutScene, sourceScene } from './cutout-scene.js';
import { type FitsCard, type FitsHdu, fitsFile } from './fits-image.js';
import { fluxOf } from './light-curve-model.js';
import { FWHM_TO_SIGMA, NANOJANSKY, TEMPLATE_NOISE_RATIO } from './lsst-fluxes.js';
import type { LsstObservation, LsstSimulatedObject } from './lsst-simulated-object.js';

/** LSSTCam's pixels on the sky. */
export const PIXEL_ARCSEC = 0.2;
export const LSST_CUTOUT_GEOMETRY: CutoutGeometry = { size: 30, templateNoiseRatio: TEMPLATE_NOISE_RATIO };
/** The PSF model's pixels a side, as Rubin's alerts carry it. */
export const PSF_SIZE = 41;

export interface LsstCutouts {
  readonly cutoutDifference: Buffer;
  readonly cutoutScience: Buffer;
  readonly cutoutTemplate: Buffer;
}

/** `position`: the diaSource's measured ra and dec, where the WCS puts the cutout's source. */
export function lsstCutouts(renderer: CutoutRenderer, object: LsstSimulatedObject, observation: LsstObservation, position: { ra: number; dec: number }): LsstCutouts {
  const scene = cutoutScene(object, observation);
  const images = renderer.render(scene);
  const { size } = LSST_CUTOUT_GEOMETRY;
  const scienceNoise = scene.noise / Math.sqrt(1 + TEMPLATE_NOISE_RATIO ** 2);
  const header = wcsCards(observation, scene, position);
  const psf: FitsHdu = { pixels: psfImage(scene.psfSigma), width: PSF_SIZE, height: PSF_SIZE, cards: [['EXTNAME', 'PSFIMAGE', 'extension name']] };
  const encode = (image: Float32Array, noise: number) =>
    fitsFile([
      { pixels: image, width: size, height: size, cards: header },
      { pixels: new Float32Array(size * size).fill(noise * noise), width: size, height: size, cards: [['UTYPE', 'VarianceUncertainty'], ['EXTNAME', 'UNCERT', 'extension name']] },
      psf,
    ]);
  return {
    cutoutDifference: encode(images.difference, scene.noise),
    cutoutScience: encode(images.science, scienceNoise),
    cutoutTemplate: encode(images.template, scienceNoise * TEMPLATE_NOISE_RATIO),
  };
}

function cutoutScene(object: LsstSimulatedObject, observation: LsstObservation): CutoutScene {
  const { epoch, measurement } = observation;
  const toPixels = skyToPixels(observation.rotation);
  const { host, neighbour } = object;
  return {
    sky: 0,
    ...sourceScene(measurement, object.model.referenceFlux(epoch.band), NANOJANSKY, (epoch.seeing * FWHM_TO_SIGMA) / PIXEL_ARCSEC, observation),
    host: host && { ...toPixels(host.dx, host.dy), flux: fluxOf(host.mag) * NANOJANSKY, sigma: host.sigma / PIXEL_ARCSEC },
    neighbour: neighbour && { ...toPixels(neighbour.dx, neighbour.dy), flux: fluxOf(neighbour.mag) * NANOJANSKY },
    artefact: object.artefact,
  };
}

/**
 * Pixel offsets of sky offsets (east, north, arcsec) under the camera angle: the inverse of the
 * WCS's CD matrix, which for a pure rotation is the matrix itself over the pixel scale squared.
 */
function skyToPixels(rotation: number): (east: number, north: number) => { dx: number; dy: number } {
  const [a, b, c, d] = cdMatrix(rotation).map((element) => (element * 3600) / PIXEL_ARCSEC);
  return (east, north) => ({ dx: (a! * east + b! * north) / PIXEL_ARCSEC, dy: (c! * east + d! * north) / PIXEL_ARCSEC });
}

/** CD1_1, CD1_2, CD2_1, CD2_2 (degrees per pixel): east to the left at angle 0, as on the sky. */
function cdMatrix(rotation: number): [number, number, number, number] {
  const scale = PIXEL_ARCSEC / 3600;
  const cos = Math.cos((rotation * Math.PI) / 180);
  const sin = Math.sin((rotation * Math.PI) / 180);
  return [-scale * cos, scale * sin, scale * sin, scale * cos];
}

function wcsCards(observation: LsstObservation, scene: CutoutScene, position: { ra: number; dec: number }): FitsCard[] {
  const { size } = LSST_CUTOUT_GEOMETRY;
  const centre = (size - 1) / 2;
  const [cd11, cd12, cd21, cd22] = cdMatrix(observation.rotation);
  return [
    ['CUTMINX', Math.floor(observation.x) - Math.floor(centre)],
    ['CUTMINY', Math.floor(observation.y) - Math.floor(centre)],
    ['BUNIT', 'nJy'],
    ['WCSAXES', 2, 'Number of coordinate axes'],
    ['CTYPE1', 'RA---TAN', 'Right ascension, gnomonic projection'],
    ['CTYPE2', 'DEC--TAN', 'Declination, gnomonic projection'],
    ['CUNIT1', 'deg'],
    ['CUNIT2', 'deg'],
    ['CRPIX1', centre + scene.dx + 1, 'Pixel coordinate of reference point'], // FITS pixels count from 1
    ['CRPIX2', centre + scene.dy + 1, 'Pixel coordinate of reference point'],
    ['CRVAL1', position.ra, '[deg] Coordinate value at reference point'],
    ['CRVAL2', position.dec, '[deg] Coordinate value at reference point'],
    ['CD1_1', cd11],
    ['CD1_2', cd12],
    ['CD2_1', cd21],
    ['CD2_2', cd22],
    ['RADESYS', 'ICRS'],
  ];
}

/** A Gaussian PSF centred in a 41x41 image, summing to 1. */
function psfImage(sigma: number): Float64Array {
  const image = new Float64Array(PSF_SIZE * PSF_SIZE);
  const centre = (PSF_SIZE - 1) / 2;
  let total = 0;
  for (let j = 0; j < PSF_SIZE; j++) {
    for (let i = 0; i < PSF_SIZE; i++) {
      const value = Math.exp(-((i - centre) ** 2 + (j - centre) ** 2) / (2 * sigma * sigma));
      image[j * PSF_SIZE + i] = value;
      total += value;
    }
  }
  return image.map((value) => value / total);
}
