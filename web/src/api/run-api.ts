/** The calls the run and compare pages make: a run, metric histories, logged models and artifacts. */
import { callApi } from './api-client.js';
import { apiErrorOf, apiFetch } from './api-fetch.js';
import type { KeyValue, Metric, Run } from './entities.js';

export interface DatasetInput {
  tags?: KeyValue[];
  dataset: { name: string; digest: string; source_type?: string; source?: string; schema?: string; profile?: string };
}

/** A run as runs/get answers it, with its inputs and outputs. */
export interface RunDetail extends Run {
  info: Run['info'] & { artifact_uri?: string };
  inputs?: { dataset_inputs?: DatasetInput[] };
  outputs?: { model_outputs?: { model_id: string; step?: number }[] };
}

export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    creation_timestamp_ms?: number;
    status?: string;
    model_type?: string;
    source_run_id?: string;
    registrations?: { name: string; version: string }[];
  };
}

export interface ArtifactFile {
  /** Relative to the run's artifact root. */
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export async function getRunDetail(runId: string, signal?: AbortSignal): Promise<RunDetail> {
  return (await callApi<{ run: RunDetail }>('GET', 'runs/get', { run_id: runId }, signal)).run;
}

/** Every point of one metric of one run, following pages. */
export async function getMetricHistory(runId: string, metricKey: string, signal?: AbortSignal): Promise<Metric[]> {
  const points: Metric[] = [];
  let pageToken: string | undefined;
  do {
    const body = await callApi<{ metrics?: Metric[]; next_page_token?: string }>(
      'GET',
      'metrics/get-history',
      { run_id: runId, metric_key: metricKey, max_results: 25000, page_token: pageToken },
      signal,
    );
    points.push(...(body.metrics ?? []));
    pageToken = body.next_page_token || undefined;
  } while (pageToken);
  return points.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
}

/** The models logged by a run (searched in its experiment). */
export async function searchLoggedModelsOfRun(experimentId: string, runId: string, signal?: AbortSignal): Promise<LoggedModel[]> {
  const body = await callApi<{ models?: LoggedModel[] }>(
    'POST',
    'logged-models/search',
    { experiment_ids: [experimentId], filter: `source_run_id = '${runId}'`, max_results: 100 },
    signal,
  );
  return body.models ?? [];
}

/** One folder of a run's artifacts ('' is the root): folders first, then files, by name. */
export async function listArtifacts(runId: string, path: string, signal?: AbortSignal): Promise<ArtifactFile[]> {
  const body = await callApi<{ files?: ArtifactFile[] }>('GET', 'artifacts/list', { run_id: runId, path: path || undefined }, signal);
  return (body.files ?? []).sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path));
}

/**
 * Where one artifact file is served. A plain <img src> or <a href> cannot carry the session's
 * credentials: load it with `readArtifactBlob` when the server may ask for them.
 */
export function artifactUrl(runId: string, path: string): string {
  return `/get-artifact?${new URLSearchParams({ path, run_uuid: runId }).toString()}`;
}

/** An artifact's bytes fetched with the session's credentials (for images and downloads). */
export async function readArtifactBlob(runId: string, path: string, signal?: AbortSignal): Promise<Blob> {
  const response = await apiFetch(artifactUrl(runId, path), { signal });
  if (!response.ok) throw await apiErrorOf(response, `GET ${path}`);
  return response.blob();
}

/** The start of an artifact as text: at most `maxBytes`, and whether the file was longer. */
export async function readArtifactText(runId: string, path: string, maxBytes: number, signal?: AbortSignal): Promise<{ text: string; truncated: boolean }> {
  const response = await apiFetch(artifactUrl(runId, path), { signal });
  if (!response.ok) throw await apiErrorOf(response, `GET ${path}`);
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(size, maxBytes));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.max(0, bytes.length - offset));
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return { text: new TextDecoder().decode(bytes), truncated };
}
