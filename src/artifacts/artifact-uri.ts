/**
 * Artifact URIs as this server stores them, mapped to paths in its artifact repository: the one
 * gate every server-side read or write of a run's or model's artifacts passes.
 */
import { MlflowError } from '../common/mlflow-error.js';
import { safeArtifactPath, safeArtifactPathFromUrl } from './safe-artifact-path.js';

const HTTP_ANCHOR = '/api/2.0/mlflow-artifacts/artifacts/';

/**
 * Where a proxied run artifact root lives in the repository, as MLflow resolves it:
 * `mlflow-artifacts:/0/<run>/artifacts` (with or without a host) and
 * `http(s)://host/api/2.0/mlflow-artifacts/artifacts/0/<run>/artifacts` give `0/<run>/artifacts`.
 * A local path or `file:` URI inside `servedFolder` (the repository's own folder) gives its path
 * there; any other local location is the client's and refused.
 */
export function repositoryPathOf(artifactUri: string, servedFolder?: string): string {
  const proxied = /^mlflow-artifacts:(?:\/\/[^/]*)?(\/.*)?$/.exec(artifactUri);
  if (proxied) return safeArtifactPath((proxied[1] ?? '').replace(/^\/+/, ''));
  if (/^https?:\/\//.test(artifactUri)) {
    const pathname = new URL(artifactUri).pathname;
    const at = pathname.indexOf(HTTP_ANCHOR);
    if (at >= 0) return safeArtifactPathFromUrl(pathname.slice(at + HTTP_ANCHOR.length).replace(/^\/+/, ''));
  }
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(artifactUri) || artifactUri.startsWith('file:')) {
    const served = servedFolder === undefined ? undefined : pathInsideFolder(localPathOf(artifactUri), servedFolder);
    if (served !== undefined) return served;
    // An experiment created with a local artifact_location: its client reads and writes there
    // itself. The path names the client's file system, never one this server may open.
    throw MlflowError.invalid(
      `Artifacts under '${artifactUri}' are at a client-side local path, which this server does not serve: ` +
        'the client that logged them reads them there itself; for artifacts served by this server, log to an ' +
        'experiment without artifact_location (or with an mlflow-artifacts: location)',
    );
  }
  throw new MlflowError(
    'NOT_IMPLEMENTED',
    `Artifact root '${artifactUri}' is not served by this server: only mlflow-artifacts roots are`,
  );
}

/** The absolute path a local artifact URI names (`/a/b`, `file:///a/b`, `file://localhost/a/b`). */
export function localPathOf(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  const path = /^file:(?:\/\/[^/?#]*)?([^?#]*)/.exec(uri)![1]!;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * `path` relative to `folder` when it lies inside it, checked as any artifact path (no `..`,
 * nothing odd); undefined otherwise. Only the operator's folder (the server's own artifact
 * folder, where `--default-artifact-root` may point) is served this way: an experiment's own
 * local location elsewhere stays the client's.
 */
function pathInsideFolder(path: string, folder: string): string | undefined {
  const base = folder.replace(/\/+$/, '');
  if (path !== base && !path.startsWith(`${base}/`)) return undefined;
  return safeArtifactPath(path.slice(base.length).replace(/^\/+/, ''));
}
