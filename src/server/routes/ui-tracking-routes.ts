/**
 * The endpoints MLflow serves its web UI under `/ajax-api/2.0/mlflow` alone (mlflow/server/__init__.py):
 * a metric's whole history across runs, the datasets an experiment's runs used, and a small
 * file uploaded into a run's artifacts.
 */
import { Readable } from 'node:stream';
import { MlflowError } from '../../common/mlflow-error.js';
import type { ArtifactRepository } from '../../artifacts/artifact-repository.js';
import { repositoryPathOf } from '../../artifacts/artifact-uri.js';
import { safeArtifactPath } from '../../artifacts/safe-artifact-path.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import { RESPONDED, type ApiRequest, type Route } from '../router.js';
import { list, parseMessage, string } from '../schema.js';
import { joinPath } from './artifact-routes.js';

export const UI_API_PREFIX = '/ajax-api/2.0/mlflow';

/** MLflow's ceiling on a file uploaded through the UI. */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const UPLOAD_TOO_LARGE = 'Artifact size is too large. Max size is 10MB.';

export function uiTrackingRoutes(tracking: TrackingService, artifacts: ArtifactRepository): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/metrics/get-history-bulk',
      handler: async (r) => {
        const metrics = await tracking.getMetricHistoryBulk(r.query.getAll('run_id'), r.query.get('metric_key') ?? undefined, maxResultsOf(r.query.get('max_results')));
        return { metrics };
      },
    },
    {
      method: 'POST',
      pattern: '/experiments/search-datasets',
      handler: async (r) => {
        const req = parseMessage({ experiment_ids: list(string()) }, await r.input());
        const summaries = await tracking.searchDatasetSummaries(req.experiment_ids ?? []);
        // proto3 JSON leaves an empty repeated field out: MLflow answers `{}`.
        return summaries.length > 0 ? { dataset_summaries: summaries } : {};
      },
    },
    {
      method: 'POST',
      pattern: '/upload-artifact',
      handler: async (r) => {
        const runId = r.query.get('run_uuid');
        if (!runId) throw MlflowError.invalid('Request must specify run_uuid.');
        const path = r.query.get('path');
        if (!path) throw MlflowError.invalid('Request must specify path.');
        const relative = safeArtifactPath(path);
        if (relative === '') throw MlflowError.invalid('Invalid path: a file name is required');
        if (Number(r.raw.headers['content-length'] ?? 0) > MAX_UPLOAD_BYTES) throw MlflowError.invalid(UPLOAD_TOO_LARGE);
        const data = await readUpload(r);
        if (data.length === 0) throw MlflowError.invalid('Request must specify data.');
        const root = repositoryPathOf((await tracking.getRunInfo(runId)).artifact_uri, artifacts.localFolder);
        await artifacts.write(joinPath(root, relative), Readable.from([data]));
        // MLflow answers an empty body.
        r.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 0 });
        r.res.end();
        return RESPONDED;
      },
    },
  ];
}

/** MLflow reads `max_results` as an integer, 25,000 when absent. */
function maxResultsOf(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\s*[+-]?\d+\s*$/.test(value)) throw MlflowError.invalid(`Invalid value '${value}' for parameter 'max_results' supplied. It must be an integer.`);
  return Number(value);
}

/** The whole body, refused past MLflow's ceiling without reading further. */
async function readUpload(r: ApiRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of r.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UPLOAD_BYTES) throw MlflowError.invalid(UPLOAD_TOO_LARGE);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
