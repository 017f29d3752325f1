/**
 * Rubin's identifiers, built the way real Rubin alerts show them built:
 * - day_obs: the observing night's date in UTC-12h (YYYYMMDD), so a whole night shares one;
 * - visit: day_obs * 100000 + seq_num, the exposure's number in the night (real: 2026030500055);
 * - diaSourceId and diaForcedSourceId: 64 bits packing, from the top, a code 2 (every real id
 *   has it), the days from 2010-01-01 to day_obs (14 bits), seq_num (15 bits), the detector
 *   (8 bits), then the source's row in that detector's table for the visit (19 bits); about
 *   1.7e17, beyond 2^53, so always a BigInt. A simulation keeps the top 9 bits of the row for
 *   its seed (seed mod 512) and starts each exposure's rows at a place drawn from the seed, as
 *   the ZTF simulation does with candids, so different seeds give different ids;
 * - diaObjectId: the diaSourceId of the object's first detection, as Rubin names its objects.
 */
import { ExposureRows } from './exposure-rows.js';

/** 189 science detectors in LSSTCam. */
export const DETECTORS = 189;
/** Exposures are numbered from 23:00 UT, one every 40 s (30 s of exposure, then readout and slew). */
const FIRST_SEQ_UT_HOURS = 23;
const SECONDS_PER_SEQ = 40;
const MAX_SEQ = 2 ** 15 - 1;
const DAY_ZERO_MJD = 55197; // 2010-01-01
const MJD_UNIX_EPOCH = 40587; // 1970-01-01
const ROW_BITS = 19n;
const SEED_BITS = 9;
const SEED_ROWS = 2 ** (Number(ROW_BITS) - SEED_BITS);

/** The MJD of 00:00 UT on the observing night's date (day_obs): nights roll over at noon UT. */
export function dayObsMjd(mjd: number): number {
  return Math.floor(mjd - 0.5);
}

export function dayObs(mjd: number): number {
  const date = new Date((dayObsMjd(mjd) - MJD_UNIX_EPOCH) * 86_400_000);
  return date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

export function seqNum(mjd: number): number {
  const first = dayObsMjd(mjd) + FIRST_SEQ_UT_HOURS / 24;
  return Math.min(MAX_SEQ, 1 + Math.max(0, Math.floor(((mjd - first) * 86_400) / SECONDS_PER_SEQ)));
}

export function visitId(mjd: number): bigint {
  return BigInt(dayObs(mjd)) * 100_000n + BigInt(seqNum(mjd));
}

/** The high bits of every id of one detector in one visit. */
export function detectorExposure(visit: bigint, detector: number): bigint {
  const day = dayNumber(visit / 100_000n);
  const seq = visit % 100_000n;
  if (day < 0 || day >= 2 ** 14 || seq > BigInt(MAX_SEQ)) throw new Error(`visit ${visit} is outside what Rubin's ids can encode`);
  if (!Number.isInteger(detector) || detector < 0 || detector > 255) throw new Error(`detector ${detector} is outside 0-255`);
  const exposure = (((2n << 14n) | BigInt(day)) << 15n) | seq;
  return (exposure << 8n) | BigInt(detector);
}

/** A source's id from its visit, detector and row in that detector's table. */
export function sourceId(visit: bigint, detector: number, row: number): bigint {
  return (detectorExposure(visit, detector) << ROW_BITS) | BigInt(row);
}

/** Hands out a simulation's source ids: rows of each (visit, detector) never shared, the seed in their top bits. */
export class LsstIdRegistry {
  private readonly rows: ExposureRows;
  private readonly seedRows: number;

  constructor(seed: number) {
    this.rows = new ExposureRows(seed, SEED_ROWS);
    this.seedRows = (((seed % 2 ** SEED_BITS) + 2 ** SEED_BITS) % 2 ** SEED_BITS) * SEED_ROWS;
  }

  next(visit: bigint, detector: number): bigint {
    return sourceId(visit, detector, this.seedRows + this.rows.next(detectorExposure(visit, detector)));
  }
}

function dayNumber(dayObsValue: bigint): number {
  const value = Number(dayObsValue);
  const utc = Date.UTC(Math.floor(value / 10_000), Math.floor(value / 100) % 100 - 1, value % 100);
  return utc / 86_400_000 + MJD_UNIX_EPOCH - DAY_ZERO_MJD;
}
