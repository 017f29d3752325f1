/**
 * The artifact locations an experiment may be created with, as stored. Two kinds, as MLflow
 * accepts them:
 * - `mlflow-artifacts:/<path>`: this server's own artifact store, where the client uploads through
 *   the server (no location at all gives `mlflow-artifacts:/<experiment id>`);
 * - a local path (relative, absolute or `file:`), stored absolute as MLflow does (a relative one
 *   against the server's working directory): a CLIENT-side location, which MLflow's client
 *   writes to and reads from itself. This server never reads or writes there
 *   (artifacts/artifact-uri.ts refuses every server-side access to such a root).
 * Remote schemes (`s3:`, `http:`...) are refused, since this server cannot serve them, and so is
 * a host in `mlflow-artifacts://host/...`, which would make the client upload to that host.
 */
import { posix } from 'node:path';
import { InvalidPathError, safeArtifactPath } from '../artifacts/safe-artifact-path.js';
import { MlflowError } from '../common/mlflow-error.js';

const SUPPORTED =
  "supported are mlflow-artifacts:/<path> locations in this server's artifact store, such as mlflow-artifacts:/team/experiment, " +
  'and local paths the client writes to itself (relative, absolute or file:); leave artifact_location unset for the default, ' +
  'mlflow-artifacts:/<experiment id>';

/** The longest location stored (the column's size; MLflow's own default limit is 2048). */
const MAX_LOCATION_LENGTH = 2000;

/** The location to store for `location`, or a refusal saying what is supported. */
export function resolveArtifactLocation(location: string, workingDirectory = process.cwd()): string {
  const resolved = resolveLocation(location, workingDirectory);
  if (resolved.length > MAX_LOCATION_LENGTH) {
    throw MlflowError.invalid(
      `Invalid artifact path length. The length of the artifact path cannot be greater than ${MAX_LOCATION_LENGTH} characters.`,
    );
  }
  return resolved;
}

function resolveLocation(location: string, workingDirectory: string): string {
  const shown = location.length > 200 ? `${location.slice(0, 200)}...` : location;
  const refuse = (why: string): never => {
    throw MlflowError.invalid(`Invalid artifact_location '${shown}': ${why}; ${SUPPORTED}`);
  };
  if (location.startsWith('runs:')) throw MlflowError.invalid(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  if (location.includes('\0')) refuse('NUL characters are not allowed');
  if (/^mlflow-artifacts:\/\//.test(location)) refuse('a host is not allowed');
  const proxied = /^mlflow-artifacts:\/(.*)$/s.exec(location);
  if (proxied) {
    let path: string;
    try {
      path = safeArtifactPath(proxied[1]!);
    } catch (err) {
      if (!(err instanceof InvalidPathError)) throw err;
      return refuse(`the path is not safe: ${err.reason}`);
    }
    if (path === '') refuse('the path is empty');
    return location;
  }
  if (location.startsWith('file:')) return localFileUri(location, workingDirectory, refuse);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location)) refuse('this server cannot serve artifacts from there');
  return location.startsWith('/') ? location : joinLikePathlib(workingDirectory, location);
}

/** `file:` URIs: a host other than localhost is refused; a relative path becomes `file:///<cwd>/<path>`. */
function localFileUri(location: string, workingDirectory: string, refuse: (why: string) => never): string {
  const match = /^file:(?:\/\/([^/?#]*))?([^?#]*)(.*)$/s.exec(location)!;
  const host = (match[1] ?? '').toLowerCase();
  if (host !== '' && host !== 'localhost' && host !== '127.0.0.1') refuse('a file: URI on another host is not a local path');
  const path = match[2]!;
  if (path.startsWith('/')) return location;
  return `file://${joinLikePathlib(workingDirectory, path)}${match[3]}`;
}

/** Python's pathlib join: empty and `.` segments dropped, `..` kept (as MLflow stores it). */
function joinLikePathlib(base: string, relative: string): string {
  const segments = `${base}/${relative}`.split('/').filter((s) => s !== '' && s !== '.');
  return posix.sep + segments.join('/');
}
