/**
 * The page token of searches: base64 of `{"offset": N}`, the shape MLflow's own stores use, so a
 * client sees the same kind of opaque string. Anything that does not decode to a whole,
 * non-negative offset is refused as INVALID_PARAMETER_VALUE "Invalid page token".
 */
import { MlflowError } from '../../common/mlflow-error.js';

export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

/** The offset a token points at; no token (or an empty one) is the first page. */
export function decodePageToken(token: string | undefined | null): number {
  if (!token) return 0;
  // Node's decoder skips characters outside the alphabet; check the alphabet first so garbage is refused, not misread.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(token)) throw invalid('could not base64-decode');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalid('could not decode its JSON');
  }
  const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  const value = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid('no valid offset');
  return value;
}

function invalid(reason: string): MlflowError {
  return MlflowError.invalid(`Invalid page token: ${reason}`);
}
