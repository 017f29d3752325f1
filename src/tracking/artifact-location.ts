/**
 * The artifact locations an experiment may be created with. This server keeps every artifact in
 * its own repository and serves only `mlflow-artifacts:` roots (artifacts/artifact-uri.ts), so any
 * other location (a local path, `file:`, `s3:`, an http URL) would give runs whose artifacts no
 * request can reach, and would send clients to upload wherever it points. A host is refused too:
 * `mlflow-artifacts://host/...` makes the client upload to that host rather than this server.
 * No location (what MLflow's client sends by default) gives `mlflow-artifacts:/<experiment id>`.
 */
import { safeArtifactPath } from '../artifacts/safe-artifact-path.js';
import { MlflowError } from '../common/mlflow-error.js';

const SUPPORTED =
  "only mlflow-artifacts:/<path> locations in this server's artifact store are supported, such as " +
  'mlflow-artifacts:/team/experiment; leave artifact_location unset for the default, mlflow-artifacts:/<experiment id>';

export function validateArtifactLocation(location: string): void {
  const shown = location.length > 200 ? `${location.slice(0, 200)}...` : location;
  const refuse = (why: string): never => {
    throw MlflowError.invalid(`Invalid artifact_location '${shown}': ${why}; ${SUPPORTED}`);
  };
  if (/^mlflow-artifacts:\/\//.test(location)) refuse('a host is not allowed');
  const match = /^mlflow-artifacts:\/(.*)$/s.exec(location);
  if (!match) return refuse('this server cannot serve artifacts from there');
  let path: string;
  try {
    path = safeArtifactPath(match[1]!);
  } catch (err) {
    if (!(err instanceof MlflowError)) throw err;
    return refuse(err.message.replace(/^Invalid path: /, 'the path is not safe: '));
  }
  if (path === '') refuse('the path is empty');
}
