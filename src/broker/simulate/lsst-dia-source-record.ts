/**
 * The lsst.v10_0 `diaSource` record of a detection: position and errors, PSF, aperture and
 * trailed fluxes on the difference image (nJy), forced fluxes on the science and template
 * images, moments, the dipole fit, the reliability score and the pixel flags, in the ranges
 * real Rubin alerts show. Drawn from a generator seeded by the diaSourceId, so a detection is
 * the same in every alert that carries it (as the alert's diaSource, or later in prvDiaSources).
 */
import { BAND_NAMES } from './light-curve-model.js';
import { PIXEL_ARCSEC, PSF_SIZE } from './lsst-cutouts.js';
import { FWHM_TO_SIGMA, NANOJANSKY, scienceFluxError, templateFluxError, templatePsfFlux } from './lsst-fluxes.js';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, type LsstObservation, type LsstSimulatedObject } from './lsst-simulated-object.js';
import { SeededRandom } from './seeded-random.js';

const DEG = Math.PI / 180;
/** Pixels of the PSF model fitted. */
const PSF_PIXELS = PSF_SIZE ** 2;
/** A source this close to a detector's border has its footprint cut. */
const EDGE_PIXELS = 30;

export function diaSourceRecord(object: LsstSimulatedObject, observation: LsstObservation): Record<string, unknown> {
  const { measurement, epoch, diaSourceId } = observation;
  if (!measurement.detected || diaSourceId === null) throw new Error('a diaSource needs a detection');
  const rng = new SeededRandom(Number(diaSourceId % 4294967296n));
  const bogus = object.simulatedClass === 'bogus';
  const { artefact } = object;
  const psfFlux = measurement.differenceFlux * NANOJANSKY;
  const psfFluxErr = measurement.fluxError * NANOJANSKY;
  const snr = measurement.snr;
  // centroid error: the PSF's width over the S/N, plus a floor of the astrometric calibration
  const positionError = Math.hypot((0.6 * epoch.seeing) / snr, 0.01); // arcsec
  const cosDec = Math.cos(object.dec * DEG);
  const ra = object.ra + rng.normal(0, positionError) / 3600 / cosDec;
  const dec = object.dec + rng.normal(0, positionError) / 3600;
  const templateFlux = templatePsfFlux(object, epoch) + rng.normal(0, templateFluxError(psfFluxErr));
  const apFluxErr = psfFluxErr * rng.uniform(1.5, 1.9); // a 12-pixel aperture holds more noise than the PSF fit
  const psfSigma2 = (epoch.seeing * FWHM_TO_SIGMA) ** 2; // arcsec^2
  const psfShape = { ixx: psfSigma2 * (1 + rng.normal(0, 0.04)), iyy: psfSigma2 * (1 + rng.normal(0, 0.04)), ixy: psfSigma2 * rng.normal(0, 0.03) };
  const stretch = artefact === 'streak' ? rng.uniform(4, 15) : artefact === 'hot-pixel' ? rng.uniform(0.1, 0.4) : bogus ? rng.uniform(0.6, 2.5) : rng.uniform(0.9, 1.15);
  const shapeFailed = snr < 7 && rng.chance(0.4);
  const dipoleFitted = artefact === 'dipole' || (object.model.referenceFlux(epoch.band) > 0 && rng.chance(0.3));
  const trailLength = artefact === 'streak' ? rng.uniform(3, 12) : epoch.seeing * rng.uniform(0.2, 1.3);
  const { x, y } = observation;
  const edge = Math.min(x, y, DETECTOR_WIDTH - x, DETECTOR_HEIGHT - y) < EDGE_PIXELS;
  const timeProcessedMjdTai = epoch.mjd + rng.uniform(100, 300) / 86_400;
  return {
    diaSourceId,
    visit: observation.visit,
    detector: observation.detector,
    diaObjectId: object.diaObjectId,
    ssObjectId: null,
    parentDiaSourceId: 0n, // real alerts write 0 for a source not deblended from a parent
    midpointMjdTai: epoch.mjd,
    ra,
    raErr: positionError / 3600 / cosDec,
    dec,
    decErr: positionError / 3600,
    ra_dec_Cov: ((positionError / 3600) ** 2 / cosDec) * rng.normal(0, 0.1),
    x: x + rng.normal(0, positionError / PIXEL_ARCSEC),
    xErr: positionError / PIXEL_ARCSEC,
    y: y + rng.normal(0, positionError / PIXEL_ARCSEC),
    yErr: positionError / PIXEL_ARCSEC,
    centroid_flag: bogus && rng.chance(0.1),
    apFlux: psfFlux * rng.uniform(0.95, 1.02) + rng.normal(0, Math.sqrt(apFluxErr ** 2 - psfFluxErr ** 2)),
    apFluxErr,
    apFlux_flag: false,
    apFlux_flag_apertureTruncated: edge,
    isNegative: psfFlux < 0,
    snr,
    psfFlux,
    psfFluxErr,
    psfLnL: null,
    psfChi2: PSF_PIXELS * (bogus ? rng.uniform(1.2, 5) : rng.uniform(0.9, 1.1) + snr / 2000),
    psfNdata: PSF_PIXELS,
    psfFlux_flag: false,
    psfFlux_flag_edge: edge,
    psfFlux_flag_noGoodPixels: false,
    trailFlux: psfFlux * (artefact === 'streak' ? rng.uniform(1.2, 2) : rng.uniform(1, 1.1)),
    trailFluxErr: psfFluxErr * rng.uniform(1, 1.2),
    trailRa: ra + rng.normal(0, positionError) / 3600 / cosDec,
    trailRaErr: null,
    trailDec: dec + rng.normal(0, positionError) / 3600,
    trailDecErr: null,
    trailLength,
    trailLengthErr: null,
    trailAngle: rng.uniform(-180, 180),
    trailAngleErr: null,
    trailChi2: null,
    trailNdata: 0,
    trail_flag_edge: edge && artefact === 'streak',
    ...dipoleFields(rng, dipoleFitted, artefact === 'dipole', psfFlux, psfFluxErr),
    scienceFlux: templateFlux + psfFlux,
    scienceFluxErr: scienceFluxError(psfFluxErr),
    forced_PsfFlux_flag: false,
    forced_PsfFlux_flag_edge: edge,
    forced_PsfFlux_flag_noGoodPixels: false,
    templateFlux,
    templateFluxErr: templateFluxError(psfFluxErr),
    ixx: shapeFailed ? null : psfShape.ixx * (artefact === 'streak' ? stretch : Math.sqrt(stretch)) + rng.normal(0, psfSigma2 / snr),
    iyy: shapeFailed ? null : psfShape.iyy * (artefact === 'streak' ? 1 : Math.sqrt(stretch)) + rng.normal(0, psfSigma2 / snr),
    ixy: shapeFailed ? null : psfShape.ixy + rng.normal(0, psfSigma2 / snr),
    ixxPSF: psfShape.ixx,
    iyyPSF: psfShape.iyy,
    ixyPSF: psfShape.ixy,
    shape_flag: shapeFailed,
    shape_flag_no_pixels: false,
    shape_flag_not_contained: false,
    shape_flag_parent_source: false,
    extendedness: bogus ? rng.uniform(0, 1) : object.host ? rng.uniform(0, 0.5) : rng.uniform(0, 0.15),
    reliability: reliability(rng, bogus),
    band: BAND_NAMES[epoch.band],
    isDipole: artefact === 'dipole',
    dipoleFitAttempted: dipoleFitted,
    timeProcessedMjdTai,
    timeWithdrawnMjdTai: null,
    bboxSize: Math.round(Math.min(80, Math.max(9, ((4 * epoch.seeing) / PIXEL_ARCSEC) * (1 + Math.log10(snr / 5) / 2)))),
    ...pixelFlags(rng, object, edge),
  };
}

/** Probability that the source is astrophysical: near 1 for real sources, low for artefacts. */
function reliability(rng: SeededRandom, bogus: boolean): number {
  if (bogus) return rng.chance(0.1) ? rng.uniform(0.4, 0.8) : rng.uniform(0.02, 0.4);
  return rng.chance(0.05) ? rng.uniform(0.5, 0.9) : 1 - 10 ** -rng.uniform(0.7, 3);
}

function dipoleFields(rng: SeededRandom, fitted: boolean, dipole: boolean, psfFlux: number, psfFluxErr: number): Record<string, unknown> {
  if (!fitted) {
    return { dipoleMeanFlux: null, dipoleMeanFluxErr: null, dipoleFluxDiff: null, dipoleFluxDiffErr: null, dipoleLength: null, dipoleAngle: null, dipoleChi2: null, dipoleNdata: 0 };
  }
  // a misaligned subtraction leaves two bright lobes; a real source fits one lobe with a tiny separation
  const meanFlux = dipole ? Math.abs(psfFlux) * rng.uniform(3, 30) : Math.abs(psfFlux) * rng.uniform(0.5, 1);
  const pixels = rng.int(400, 4200);
  return {
    dipoleMeanFlux: meanFlux,
    dipoleMeanFluxErr: psfFluxErr * rng.uniform(0.2, 0.7),
    dipoleFluxDiff: dipole ? meanFlux * rng.uniform(0, 0.3) : Math.abs(psfFlux),
    dipoleFluxDiffErr: psfFluxErr * rng.uniform(0.4, 1.4),
    dipoleLength: dipole ? rng.uniform(0.2, 1.2) : rng.uniform(0.001, 0.1),
    dipoleAngle: rng.uniform(-180, 180),
    dipoleChi2: pixels * (dipole ? rng.uniform(0.9, 1.5) : rng.uniform(1, 4)),
    dipoleNdata: pixels,
  };
}

function pixelFlags(rng: SeededRandom, object: LsstSimulatedObject, edge: boolean): Record<string, boolean> {
  const { artefact, neighbour } = object;
  const cosmicRay = artefact === 'hot-pixel';
  const streak = artefact === 'streak';
  const saturated = neighbour !== undefined && neighbour.mag < 16 && Math.hypot(neighbour.dx, neighbour.dy) < 8;
  const interpolated = cosmicRay || (saturated && rng.chance(0.5));
  return {
    pixelFlags: false,
    pixelFlags_bad: object.simulatedClass === 'bogus' && rng.chance(0.1),
    pixelFlags_cr: cosmicRay,
    pixelFlags_crCenter: cosmicRay && rng.chance(0.7),
    pixelFlags_edge: edge,
    pixelFlags_nodata: false,
    pixelFlags_nodataCenter: false,
    pixelFlags_interpolated: interpolated,
    pixelFlags_interpolatedCenter: interpolated && rng.chance(0.5),
    pixelFlags_offimage: false,
    pixelFlags_saturated: saturated,
    pixelFlags_saturatedCenter: false,
    pixelFlags_suspect: saturated,
    pixelFlags_suspectCenter: false,
    pixelFlags_streak: streak,
    pixelFlags_streakCenter: streak && rng.chance(0.6),
    pixelFlags_injected: false,
    pixelFlags_injectedCenter: false,
    pixelFlags_injected_template: false,
    pixelFlags_injected_templateCenter: false,
    glint_trail: streak && rng.chance(0.3),
  };
}
