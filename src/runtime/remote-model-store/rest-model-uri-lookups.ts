/** The reads that resolve a model URI, over a tracking server's REST API (MLflow's endpoints). */
import type { ModelVersion } from '../../registry/entities.js';
import type { ModelUriLookups } from '../../registry/resolve-model-uri.js';
import type { TrackingServerClient } from './tracking-server-client.js';

interface RunInfo {
  readonly artifact_uri: string;
}

interface LoggedModelInfo {
  readonly artifact_uri: string;
  readonly source_run_id?: string;
}

export interface RestModelUriLookups extends ModelUriLookups {
  getRun(runId: string): Promise<{ readonly info: RunInfo }>;
  getLoggedModel(modelId: string): Promise<{ readonly info: LoggedModelInfo }>;
}

export function restModelUriLookups(server: TrackingServerClient): RestModelUriLookups {
  const version = async (endpoint: string, query: Record<string, string>, what: string) =>
    (await server.getJson<{ model_version: ModelVersion }>('mlflow', endpoint, query, what)).model_version;
  return {
    getRun: async (runId) => (await server.getJson<{ run: { info: RunInfo } }>('mlflow', 'runs/get', { run_id: runId }, `run ${runId}`)).run,
    getLoggedModel: async (modelId) =>
      (await server.getJson<{ model: { info: LoggedModelInfo } }>('mlflow', `logged-models/${encodeURIComponent(modelId)}`, {}, `logged model ${modelId}`)).model,
    getModelVersion: (name, v) => version('model-versions/get', { name, version: v }, `model ${name} version ${v}`),
    getVersionByAlias: (name, alias) => version('registered-models/alias', { name, alias }, `model ${name}@${alias}`),
    getLatestVersions: async (name, stages) =>
      (await server.postJson<{ model_versions?: ModelVersion[] }>('registered-models/get-latest-versions', { name, ...(stages ? { stages } : {}) }, `model ${name}`))
        .model_versions ?? [],
    getDownloadUri: async (name, v) =>
      (await server.getJson<{ artifact_uri: string }>('mlflow', 'model-versions/get-download-uri', { name, version: v }, `model ${name} version ${v}`)).artifact_uri,
  };
}
