/**
 * When Rubin looks at a position, as the LSST wide-fast-deep survey does: 30 s visits, a pair a
 * night about half an hour apart and usually in two bands, a revisit every few nights, nights
 * lost to weather, u only in dark time, and a season of about seven months a year around the
 * date the field is opposite the Sun (transiting at local midnight). Each visit's depth (the
 * 5-sigma limit of the difference image) and seeing change with the night and the band.
 */
import type { SeededRandom } from './seeded-random.js';
import { type Band, G_BAND, I_BAND, R_BAND, U_BAND, Y_BAND, Z_BAND } from './light-curve-model.js';

export interface LsstEpoch {
  /** Mid-exposure time, MJD (TAI). */
  readonly mjd: number;
  readonly band: Band;
  /** 5-sigma point-source depth of the difference image, AB magnitude. */
  readonly m5: number;
  /** PSF FWHM, arcsec. */
  readonly seeing: number;
}

export const VISIT_SECONDS = 30;
const SEASON_HALF_DAYS = 105;
const WEATHER_LOSS = 0.25;
const SINGLE_VISIT = 0.1;
/** 2025-03-20, when the Sun is at right ascension 0. */
const MARCH_EQUINOX_MJD = 60754.4;
const TROPICAL_YEAR = 365.2422;
/** A new moon (2025-01-29) and the synodic month: u is kept for dark time. */
const NEW_MOON_MJD = 60704.5;
const SYNODIC_MONTH = 29.530589;
/** Local midnight at Cerro Pachon (longitude -70.7 deg), as a fraction of the UT day. */
const PACHON_MIDNIGHT = 0.197;
/** How far from midnight a night's visits reach (about 23:30 to 09:30 UT), in days. */
const HALF_NIGHT = 0.2;
/** Typical single-visit depths of difference images and effective wavelengths (nm), u g r i z y. */
const DEPTH = [23.4, 24.6, 24.3, 23.8, 23.2, 22.3];
const WAVELENGTH = [368, 480, 622, 754, 869, 971];
/** A night's pair of bands: about LSST's band mix (u 8%, g 12%, r 23%, i 19%, z 19%, y 19%). */
const PAIRS: readonly (readonly [Band, Band])[] = [
  [U_BAND, G_BAND], [U_BAND, R_BAND], [G_BAND, R_BAND], [G_BAND, R_BAND], [R_BAND, I_BAND], [R_BAND, I_BAND], [R_BAND, I_BAND],
  [I_BAND, Z_BAND], [I_BAND, Z_BAND], [Z_BAND, Y_BAND], [Z_BAND, Y_BAND], [Z_BAND, Y_BAND], [Y_BAND, Y_BAND],
];
const BRIGHT_TIME_PAIRS = PAIRS.filter((pair) => !pair.includes(U_BAND));

/** The epochs in [startMjd, endMjd] of a field at right ascension `ra` (degrees), in time order. */
export function lsstCadence(rng: SeededRandom, startMjd: number, endMjd: number, ra: number): LsstEpoch[] {
  const epochs: LsstEpoch[] = [];
  for (let night = Math.floor(startMjd) + rng.int(0, 2); night <= endMjd; night += rng.pick([1, 2, 2, 3, 3, 4, 5])) {
    const midnight = night + PACHON_MIDNIGHT;
    const fromOpposition = daysFromOpposition(midnight, ra);
    if (Math.abs(fromOpposition) > SEASON_HALF_DAYS || rng.chance(WEATHER_LOSS)) continue;
    const bright = isBrightTime(midnight);
    const nightSeeing = 0.75 * Math.exp(rng.normal(0, 0.22));
    const nightDepth = rng.normal(0, 0.2);
    // the field transits about 4 minutes earlier each day after opposition
    const transit = -fromOpposition / TROPICAL_YEAR;
    // near the transit, else at the start or the end of the night; room left for the second visit
    let time = midnight + clamp(transit, -HALF_NIGHT + 0.1, HALF_NIGHT - 0.135) + rng.uniform(-0.1, 0.1);
    const pair = rng.pick(bright ? BRIGHT_TIME_PAIRS : PAIRS);
    for (const band of rng.chance(SINGLE_VISIT) ? [pair[0]] : pair) {
      if (time >= startMjd && time <= endMjd) epochs.push(visit(rng, time, band, nightSeeing, nightDepth, bright));
      time += rng.uniform(15, 50) / 1440;
    }
  }
  return epochs;
}

/** Days from the date the field at `ra` is opposite the Sun, in (-183, 183]. */
export function daysFromOpposition(mjd: number, ra: number): number {
  const sunRa = ((mjd - MARCH_EQUINOX_MJD) / TROPICAL_YEAR) * 360;
  const degrees = ((((sunRa + 180 - ra) % 360) + 540) % 360) - 180;
  return (degrees / 360) * TROPICAL_YEAR;
}

/** The right ascension opposite the Sun on a date: what transits at local midnight. */
export function oppositionRa(mjd: number): number {
  return ((((mjd - MARCH_EQUINOX_MJD) / TROPICAL_YEAR) * 360 + 180) % 360 + 360) % 360;
}

function isBrightTime(mjd: number): boolean {
  const phase = ((((mjd - NEW_MOON_MJD) / SYNODIC_MONTH) % 1) + 1) % 1;
  return phase > 0.25 && phase < 0.75;
}

function visit(rng: SeededRandom, time: number, band: Band, nightSeeing: number, nightDepth: number, bright: boolean): LsstEpoch {
  const airmass = rng.uniform(1.0, 1.5);
  // seeing worsens towards the blue (lambda^-0.2) and with airmass (X^0.6)
  const seeing = clamp(nightSeeing * (WAVELENGTH[R_BAND]! / WAVELENGTH[band]!) ** 0.2 * airmass ** 0.6 * rng.uniform(0.95, 1.05), 0.45, 2.5);
  const moon = bright ? [0.8, 0.5, 0.25, 0.15, 0.05, 0][band]! : 0;
  // background-limited: the flux limit grows with the seeing; extinction ~0.1-0.5 mag per airmass
  const m5 = DEPTH[band]! + nightDepth - moon + 2.5 * Math.log10(0.8 / seeing) - 0.2 * (airmass - 1) + rng.normal(0, 0.08);
  return { mjd: time, band, m5: clamp(m5, DEPTH[band]! - 1.8, DEPTH[band]! + 0.7), seeing };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
