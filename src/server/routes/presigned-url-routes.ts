/**
 * MLflow's presigned-URL endpoints (`artifacts/presigned-upload-url`, `.../presigned-download-url`),
 * for artifacts kept in cloud storage that clients reach directly. Aviary's artifacts are all
 * proxied (`mlflow-artifacts:`) or the client's own local paths, so after MLflow's checks of the
 * request the answer is MLflow's refusal for proxied storage, or the refusal of a client-side path.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import { repositoryPathOf } from '../../artifacts/artifact-uri.js';
import { safeArtifactPath } from '../../artifacts/safe-artifact-path.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { Route } from '../router.js';
import { int64, parseMessage, string } from '../schema.js';

/** The longest lifetime cloud providers sign a URL for (7 days). */
const MAX_EXPIRATION_SECONDS = 604_800;

export function presignedUrlRoutes(tracking: TrackingService): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/artifacts/presigned-upload-url',
      handler: async (r) => {
        const req = parseMessage({ run_id: string(), model_id: string(), path: string().req(), expiration: int64() }, await r.input());
        if (!req.run_id === !req.model_id) throw MlflowError.invalid('Exactly one of run_id and model_id must be provided.');
        safeArtifactPath(req.path);
        const uri = req.run_id ? (await tracking.getRunInfo(req.run_id)).artifact_uri : (await tracking.getLoggedModel(req.model_id!)).info.artifact_uri;
        repositoryPathOf(uri); // a client-side local location is refused as such
        throw MlflowError.invalid(
          `Presigned upload is not supported for proxied artifact storage (artifact URI scheme: ${schemeOf(uri)}). This endpoint requires a direct cloud storage artifact URI.`,
        );
      },
    },
    {
      method: 'POST',
      pattern: '/artifacts/presigned-download-url',
      handler: async (r) => {
        const req = parseMessage({ run_id: string().req(), path: string().req(), expiration: int64() }, await r.input());
        safeArtifactPath(req.path);
        const expiration = req.expiration ?? 900;
        if (expiration < 1 || expiration > MAX_EXPIRATION_SECONDS) {
          throw MlflowError.invalid(`expiration must be between 1 and ${MAX_EXPIRATION_SECONDS} seconds (got ${expiration}).`);
        }
        const uri = (await tracking.getRunInfo(req.run_id)).artifact_uri;
        repositoryPathOf(uri);
        throw MlflowError.invalid(
          `Presigned download is not supported for runs with proxied artifact storage (artifact URI scheme: ${schemeOf(uri)}). This endpoint requires a run with a direct cloud storage artifact URI.`,
        );
      },
    },
  ];
}

function schemeOf(uri: string): string {
  return uri.slice(0, Math.max(uri.indexOf(':'), 0));
}
