/**
 * Liveness, version and capabilities, where MLflow serves them (health and version as plain
 * text). `/version` is the MLflow release served, as clients compare it with theirs; Aviary's
 * own version is at `/api/aviary/version`.
 */
import { MLFLOW_VERSION } from '../../common/mlflow-version.js';
import type { Route } from '../router.js';
import { RESPONDED } from '../router.js';

export function systemRoutes(aviaryVersion: string): Route[] {
  const text = (body: string): Route['handler'] => (r) => {
    r.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    r.res.end(body);
    return RESPONDED;
  };
  // What MLflow 3 clients ask before choosing how to upload: no multipart, no presigned URLs,
  // so artifacts go through the plain proxied PUT.
  const serverInfo = () => ({
    store_type: 'SqlStore',
    workspaces_enabled: false,
    trace_archival_enabled: false,
    multipart_uploads_enabled: false,
    multipart_downloads_enabled: false,
    presigned_upload_run_id_supported: false,
    presigned_upload_model_id_supported: false,
    features_enabled: { gateway: false },
  });
  return [
    { method: 'GET', pattern: '/health', handler: text('OK') },
    { method: 'GET', pattern: '/version', handler: text(MLFLOW_VERSION) },
    { method: 'GET', pattern: '/api/aviary/version', handler: () => ({ aviary: aviaryVersion, mlflow: MLFLOW_VERSION }) },
    { method: 'GET', pattern: '/api/3.0/mlflow/server-info', handler: serverInfo },
    { method: 'GET', pattern: '/ajax-api/3.0/mlflow/server-info', handler: serverInfo },
  ];
}
