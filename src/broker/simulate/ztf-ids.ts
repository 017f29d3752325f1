/**
 * ZTF's identifiers, built the way ZTF builds them so they look and sort like real ones:
 * - nid: the night, counted from 2017-01-01 (JD 2457754.5);
 * - pid (processing id): night, first five digits of the UT day fraction, readout channel
 *   (two digits), then "15";
 * - candid: pid, then three digits where ZTF writes "010" or "015" and the three-digit row of
 *   the source in that exposure's table (tblid); about 2.5e18, beyond 2^53, so always a BigInt.
 *   A simulation puts its seed there instead (seed mod 1000) and starts each exposure's rows at
 *   a place drawn from the seed: two simulations with different seeds would otherwise give the
 *   same candid to different objects (same night, second and readout channel), and an alert
 *   store keeps one alert per candid;
 * - objectId: "ZTF", the two-digit year of the first detection, seven lower-case letters.
 */
import { ExposureRows } from './exposure-rows.js';

const NIGHT_ZERO_JD = 2457754.5;
const LETTERS = 26 ** 7;
/** Multiplier coprime with 26: object numbers map one-to-one onto letter strings. */
const SCRAMBLE = 1_594_323;

export function nightId(jd: number): number {
  return Math.floor(jd - NIGHT_ZERO_JD);
}

/** The UT day fraction of a JD (JD days start at noon). */
export function dayFraction(jd: number): number {
  return (jd + 0.5) % 1;
}

export function processingId(jd: number, rcid: number): bigint {
  const fraction = Math.min(Math.floor(dayFraction(jd) * 1e5), 99_999);
  return BigInt(`${nightId(jd)}${String(fraction).padStart(5, '0')}${String(rcid).padStart(2, '0')}15`);
}

const ROWS = 1000;

/**
 * Hands out a simulation's candids: the next free table row of each exposure, so two sources in
 * the same exposure (same pid) never share one. Candids of simulations whose seeds differ mod
 * 1000 never meet; for others, an exposure's rows start at a place drawn from seed and pid.
 */
export class CandidRegistry {
  private readonly rows: ExposureRows;
  private readonly tag: bigint;

  constructor(seed: number) {
    this.rows = new ExposureRows(seed, ROWS);
    this.tag = BigInt(((seed % ROWS) + ROWS) % ROWS);
  }

  next(pid: bigint): { candid: bigint; tblid: number } {
    const tblid = this.rows.next(pid);
    return { candid: pid * 1_000_000n + this.tag * 1000n + BigInt(tblid), tblid };
  }
}

/** Object number n (from 0) to a unique, random-looking ZTF name for the year of `jd`. */
export function objectIdFor(n: number, jd: number, salt: number): string {
  if (n >= LETTERS) throw new Error(`at most ${LETTERS} objects can be named`);
  let code = (n * SCRAMBLE + salt) % LETTERS;
  let letters = '';
  for (let i = 0; i < 7; i++) {
    letters = String.fromCharCode(97 + (code % 26)) + letters;
    code = Math.floor(code / 26);
  }
  return `ZTF${String(utcDate(jd).getUTCFullYear() % 100).padStart(2, '0')}${letters}`;
}

export function utcDate(jd: number): Date {
  return new Date((jd - 2440587.5) * 86_400_000);
}

/** "20231018": the UT date of a JD, as ZTF file names start. */
export function compactDate(jd: number): string {
  return utcDate(jd).toISOString().slice(0, 10).replaceAll('-', '');
}

/** A Pan-STARRS1 objID for a position: declination zone, then RA, then a running number. */
export function ps1ObjectId(ra: number, dec: number, serial: number): bigint {
  const zone = Math.floor((dec + 90) / (1 / 120));
  return BigInt(zone) * 10_000_000_000_000n + BigInt(Math.floor(ra * 1e7)) * 1000n + BigInt(serial % 1000);
}
