/**
 * Reading fields of decoded payloads whatever the file format gave: Avro longs and Parquet
 * int64 arrive as BigInt, JSON integers as numbers (or BigInt past 2^53), ids sometimes as
 * digit strings; bytes as Uint8Array or base64 text.
 */
import type { Cutout, Measurement } from './alert.js';

/** A finite or non-finite number, or null for anything absent or not numeric. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

/**
 * An id of the alert's own identity (its candid or diaSourceId, its object), exact, or null
 * when absent; throws for a value that cannot be one, naming the field by its path in the
 * payload (`candidate.candid`, `diaSource.diaObjectId`).
 */
export function idOf(value: unknown, name: string): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new Error(`${name} is not an exact integer: ${typeof value === 'number' ? `${value} (a number past 2^53 has lost its last digits)` : String(value)}`);
}

/**
 * An id outside the alert's identity (a history entry's candid, a forced source's id), kept as
 * read: Fink's Spark Parquet stores `prv_candidates[].candid` as a double, whose last digits are
 * already gone, and that must not cost the alert. Digit strings become exact; anything else
 * that is not a number is no id (null).
 */
export function entryIdOf(value: unknown): bigint | number | null {
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return null;
}

export function requiredId(value: unknown, name: string): bigint {
  const id = idOf(value, name);
  if (id === null) throw new Error(`the alert has no ${name}`);
  return id;
}

export function requiredNumber(value: unknown, name: string): number {
  const n = numberOf(value);
  if (n === null) throw new Error(`the alert has no ${name}`);
  return n;
}

export function measurement(value: unknown, error: unknown): Measurement {
  return { value: numberOf(value), error: numberOf(error) };
}

export function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

const GZIP = [0x1f, 0x8b];

/** A cutout from raw bytes (Rubin), a {fileName, stampData} record (ZTF), or base64 text (JSON). */
export function cutoutOf(value: unknown): Cutout | undefined {
  let fileName: string | undefined;
  if (isRecord(value)) {
    fileName = typeof value.fileName === 'string' ? value.fileName : undefined;
    value = value.stampData;
  }
  let bytes: Uint8Array | undefined;
  if (value instanceof Uint8Array) bytes = value;
  else if (typeof value === 'string' && value.length > 0) bytes = Buffer.from(value, 'base64');
  if (!bytes || bytes.length === 0) return undefined;
  const encoding = bytes[0] === GZIP[0] && bytes[1] === GZIP[1] ? 'fits.gz' : 'fits';
  return fileName === undefined ? { bytes, encoding } : { bytes, encoding, fileName };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}
