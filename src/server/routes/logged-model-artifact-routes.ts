/** A logged model's files, as MLflow's UI lists and opens them: relative to the model's artifact root. */
import { MlflowError } from '../../common/mlflow-error.js';
import type { ArtifactRepository } from '../../artifacts/artifact-repository.js';
import { repositoryPathOf } from '../../artifacts/artifact-uri.js';
import { safeArtifactPath } from '../../artifacts/safe-artifact-path.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { Route } from '../router.js';
import { parseMessage, string } from '../schema.js';
import { joinPath, listUnderRoot, sendArtifact } from './artifact-routes.js';

/** ListLoggedModelArtifacts, under every API prefix (relative to it). */
export function loggedModelArtifactListRoutes(tracking: TrackingService, artifacts: ArtifactRepository): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/logged-models/:model_id/artifacts/directories',
      handler: async (r) => {
        const req = parseMessage({ artifact_directory_path: string() }, await r.input());
        const relative = req.artifact_directory_path === undefined ? '' : safeArtifactPath(req.artifact_directory_path);
        const model = await tracking.getLoggedModel(r.params.model_id ?? '');
        return listUnderRoot(artifacts, model.info.artifact_uri, relative);
      },
    },
  ];
}

/** The UI's download of one file of a logged model (MLflow serves it under `/ajax-api/2.0/mlflow` alone). */
export function loggedModelArtifactFileRoutes(tracking: TrackingService, artifacts: ArtifactRepository): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/logged-models/:model_id/artifacts/files',
      handler: async (r) => {
        const path = r.query.get('artifact_file_path');
        if (!path) throw new MlflowError('BAD_REQUEST', 'Request must include the "artifact_file_path" query parameter.');
        const relative = safeArtifactPath(path);
        const model = await tracking.getLoggedModel(r.params.model_id ?? '');
        return sendArtifact(r.res, artifacts, joinPath(repositoryPathOf(model.info.artifact_uri, artifacts.localFolder), relative));
      },
    },
  ];
}
