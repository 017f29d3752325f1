/** Artifact URIs as this server stores them, mapped to paths in its artifact repository. */
import { MlflowError } from '../common/mlflow-error.js';
import { safeArtifactPath, safeArtifactPathFromUrl } from './safe-artifact-path.js';

const HTTP_ANCHOR = '/api/2.0/mlflow-artifacts/artifacts/';

/**
 * Where a proxied run artifact root lives in the repository, as MLflow resolves it:
 * `mlflow-artifacts:/0/<run>/artifacts` (with or without a host) and
 * `http(s)://host/api/2.0/mlflow-artifacts/artifacts/0/<run>/artifacts` give `0/<run>/artifacts`.
 */
export function repositoryPathOf(artifactUri: string): string {
  const proxied = /^mlflow-artifacts:(?:\/\/[^/]*)?(\/.*)?$/.exec(artifactUri);
  if (proxied) return safeArtifactPath((proxied[1] ?? '').replace(/^\/+/, ''));
  if (/^https?:\/\//.test(artifactUri)) {
    const pathname = new URL(artifactUri).pathname;
    const at = pathname.indexOf(HTTP_ANCHOR);
    if (at >= 0) return safeArtifactPathFromUrl(pathname.slice(at + HTTP_ANCHOR.length).replace(/^\/+/, ''));
  }
  throw new MlflowError(
    'NOT_IMPLEMENTED',
    `Artifact root '${artifactUri}' is not served by this server: only mlflow-artifacts roots are`,
  );
}
