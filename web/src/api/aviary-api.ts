/**
 * Aviary's alert API (/api/aviary): search, one alert with its payload, its cutouts, an object
 * with its merged light curve. Bodies are read with the exact JSON parser, so 64-bit ids keep
 * every digit; the envelope's ids are handed to the UI as strings, the payload keeps BigInts.
 */
import { ApiError } from './api-error.js';
import { apiErrorOf, apiFetch } from './api-fetch.js';
import { idText, parseExactJson } from './exact-json.js';

export const AVIARY_API = '/api/aviary';

export type Survey = 'ztf' | 'lsst';
export type CutoutKind = 'science' | 'template' | 'difference';
export const CUTOUT_KINDS: readonly CutoutKind[] = ['science', 'template', 'difference'];

export interface ModuleScore {
  readonly module: string;
  readonly model: string;
  /** The registry version that scored; null for a model read from a local folder. */
  readonly version: string | null;
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface AlertSummary {
  readonly survey: Survey;
  readonly alertId: string;
  readonly objectId: string | null;
  /** ZTF: Julian date; Rubin: MJD (TAI). */
  readonly time: number;
  readonly ra: number;
  readonly dec: number;
  readonly band: string | null;
  readonly magnitude: number | null;
  readonly flux: number | null;
  readonly scores: readonly ModuleScore[];
  readonly sourceFile?: string;
  readonly storedAt?: string;
}

export interface AlertDetail extends AlertSummary {
  /** The alert as decoded, cutouts removed; 64-bit integers as BigInt. */
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface LightCurvePoint {
  readonly time: number;
  readonly band: string | null;
  readonly kind: 'detection' | 'upper-limit' | 'forced';
  readonly magnitude?: number | null;
  readonly magnitudeError?: number | null;
  readonly limitingMagnitude?: number | null;
  readonly flux?: number | null;
  readonly fluxError?: number | null;
  /** The candid / diaSourceId of the point, as digits. */
  readonly id?: string | null;
}

export interface AlertObject {
  readonly objectId: string;
  readonly alerts: readonly AlertSummary[];
  readonly lightCurve: readonly LightCurvePoint[];
}

export interface AlertSearchPage {
  readonly alerts: readonly AlertSummary[];
  readonly next?: string;
}

export interface AlertSearch {
  readonly filter?: string;
  readonly survey?: string;
  readonly limit?: number;
  readonly after?: string;
}

export async function searchAlerts(search: AlertSearch, signal?: AbortSignal): Promise<AlertSearchPage> {
  const body = (await getExact(`alerts/search${query({ ...search, limit: search.limit?.toString() })}`, signal)) as { alerts?: unknown[]; next?: string };
  return { alerts: (body.alerts ?? []).map((a) => toSummary(a as Record<string, unknown>)), ...(body.next !== undefined && { next: String(body.next) }) };
}

export async function getAlert(alertId: string, survey?: string, signal?: AbortSignal): Promise<AlertDetail> {
  const body = (await getExact(`alerts/${encodeURIComponent(alertId)}${query({ survey })}`, signal)) as { alert: Record<string, unknown> };
  return { ...toSummary(body.alert), payload: (body.alert.payload ?? {}) as Record<string, unknown> };
}

export async function getObject(objectId: string, signal?: AbortSignal): Promise<AlertObject> {
  const body = (await getExact(`objects/${encodeURIComponent(objectId)}`, signal)) as Record<string, unknown>;
  return {
    objectId: idText(body.objectId),
    alerts: ((body.alerts as unknown[]) ?? []).map((a) => toSummary(a as Record<string, unknown>)),
    lightCurve: ((body.lightCurve as Record<string, unknown>[]) ?? []).map((p) => ({ ...p, id: p.id === undefined || p.id === null ? null : idText(p.id) }) as LightCurvePoint),
  };
}

/** A cutout's FITS bytes, gunzipped when the server sends the gzipped file (ZTF). */
export async function getCutout(alertId: string, kind: CutoutKind, survey?: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  const url = `${AVIARY_API}/alerts/${encodeURIComponent(alertId)}/cutouts/${kind}${query({ survey })}`;
  const response = await send(url, signal);
  if (!response.ok) throw await errorOf(response, url);
  const bytes = await response.arrayBuffer();
  const head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  if (!gzipped) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

function toSummary(raw: Record<string, unknown>): AlertSummary {
  return {
    ...(raw as unknown as AlertSummary),
    alertId: idText(raw.alertId),
    objectId: raw.objectId === null || raw.objectId === undefined ? null : idText(raw.objectId),
    scores: ((raw.scores as ModuleScore[] | undefined) ?? []).map((s) => ({ ...s, version: s.version === null || s.version === undefined ? null : String(s.version) })),
  };
}

async function getExact(endpoint: string, signal?: AbortSignal): Promise<unknown> {
  const url = `${AVIARY_API}/${endpoint}`;
  const response = await send(url, signal);
  if (!response.ok) throw await errorOf(response, url);
  const text = await response.text();
  try {
    return parseExactJson(text);
  } catch (err) {
    throw new ApiError(response.status, 'BAD_RESPONSE', `GET ${url} answered something that is not JSON (${(err as Error).message}): ${text.slice(0, 200)}`);
  }
}

function send(url: string, signal?: AbortSignal): Promise<Response> {
  return apiFetch(url, { signal });
}

function errorOf(response: Response, url: string): Promise<ApiError> {
  return apiErrorOf(response, `GET ${url}`);
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') q.set(key, value);
  const text = q.toString();
  return text ? `?${text}` : '';
}
