/**
 * The broker's state over the alert API (/api/aviary): run statuses, dead letters and the
 * histograms of the modules' scores. Bodies are read with the exact JSON reader, so alert ids
 * beyond 2^53 arrive as BigInt and are kept as their digits. Failures are ApiErrors carrying the
 * server's message.
 */
import { ApiError } from './api-error.js';
import { apiFetch } from './api-fetch.js';
import { idText, parseExactJson } from './exact-json.js';

export const AVIARY_API_BASE = '/api/aviary';

export type ModuleState = 'loading' | 'building-environment' | 'ready' | 'degraded' | 'closed';

export interface ModuleVersionUsage {
  version: string | null;
  scored: number;
  deadLettered: number;
}

export interface ModuleStatus {
  name: string;
  model: string;
  modelName: string;
  version: string | null;
  alias?: string;
  state: ModuleState;
  scored: number;
  deadLettered: number;
  reason?: string;
  versions?: ModuleVersionUsage[];
  /** The shadow aliases scoring beside the module, in the config's order. */
  shadows?: ShadowStatus[];
  /** The latest move of the followed alias the swap check refused: the module kept its version. */
  swapRefused?: SwapRefusal;
  /** Where the comparison finds the truth (the config's `labels:`). */
  labels?: { file: string; positive: string } | { field: string; positive: string };
}

export interface ShadowStatus {
  alias: string;
  version: string | null;
  /** failed: its version could not load (or the alias does not exist). */
  state: ModuleState | 'failed';
  scored: number;
  deadLettered: number;
  reason?: string;
  versions?: ModuleVersionUsage[];
  swapRefused?: SwapRefusal;
}

export interface SwapRefusal {
  version: string;
  reason: string;
  /** ISO time of the check. */
  at: string;
}

export interface FilterStatus {
  name: string;
  expression: string;
  matched: number;
  output: string;
}

export interface BrokerRunStatus {
  runId: string;
  /** interrupted: saved as running, but its process is gone (killed) or silent for over 30 s. */
  state: 'running' | 'finished' | 'failed' | 'interrupted';
  startedAt: string;
  updatedAt: string;
  pid?: number;
  host?: string;
  finishedAt?: string;
  config: string;
  alertsRead: number;
  alertsStored: number;
  alertsPerSecond: number;
  sourceDeadLetters: number;
  modules: ModuleStatus[];
  filters: FilterStatus[];
  latencyMs?: { p50: number; p99: number };
  /** A Kafka run: its partitions and the latency from the Kafka timestamp. */
  stream?: StreamStatus;
  error?: string;
}

export interface StreamPartitionStatus {
  topic: string;
  partition: number;
  committedOffset: string | null;
  endOffset: string | null;
  lag: number | null;
  /** Done: stored or dead-lettered. */
  alertsStored: number;
  alertsPerSecond: number;
}

export interface StreamStatus {
  partitions: StreamPartitionStatus[];
  latencyMs?: { p50: number; p99: number; count: number };
}

/** A dead letter with its alert id as exact digits. */
export interface DeadLetter {
  kind: 'source' | 'module';
  reason: string;
  at: string;
  file?: string;
  position?: string;
  module?: string;
  stage?: string;
  survey?: string;
  alertId?: string;
  objectId?: string;
  model?: string;
  version?: string | null;
}

export interface ScoreHistogram {
  module: string;
  output: string;
  min: number;
  max: number;
  counts: number[];
  total: number;
}

export async function listBrokerRuns(limit: number, signal?: AbortSignal): Promise<BrokerRunStatus[]> {
  return (await getAviary<{ runs: BrokerRunStatus[] }>('broker/runs', { limit }, signal)).runs;
}

export async function listDeadLetters(options: { module?: string; limit?: number }, signal?: AbortSignal): Promise<DeadLetter[]> {
  const body = await getAviary<{ dead_letters: Record<string, unknown>[] }>('dead-letters', options, signal);
  return body.dead_letters.map(toDeadLetter);
}

export async function scoreHistograms(options: { bins: number; module?: string }, signal?: AbortSignal): Promise<ScoreHistogram[]> {
  return (await getAviary<{ histograms: ScoreHistogram[] }>('broker/score-histograms', options, signal)).histograms;
}

function toDeadLetter(raw: Record<string, unknown>): DeadLetter {
  const letter = { ...raw } as unknown as DeadLetter;
  if (raw.alertId !== undefined) letter.alertId = idText(raw.alertId);
  if (raw.objectId !== undefined && raw.objectId !== null) letter.objectId = idText(raw.objectId);
  return letter;
}

async function getAviary<T>(endpoint: string, params: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
  const url = `${AVIARY_API_BASE}/${endpoint}${query.size > 0 ? `?${query.toString()}` : ''}`;
  const response = await apiFetch(url, { signal });
  const text = await response.text();
  let body: unknown;
  try {
    body = parseExactJson(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = body as { error_code?: string; message?: string } | undefined;
    throw new ApiError(response.status, error?.error_code ?? `HTTP_${response.status}`, error?.message ?? (text.slice(0, 300) || response.statusText));
  }
  if (body === undefined) throw new ApiError(response.status, 'BAD_RESPONSE', `GET ${endpoint} answered something that is not JSON: ${text.slice(0, 200)}`);
  return body as T;
}
