/**
 * The one place a request's artifact path becomes a safe relative path. MLflow answers every
 * refusal with INVALID_PARAMETER_VALUE "Invalid path"; so do we, the rule broken kept beside it.
 * Stricter than MLflow on purpose: it decodes repeatedly and accepts what comes out, we
 * refuse anything still percent-encoded after the one decoding the URL itself calls for.
 */
import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { MlflowError } from '../common/mlflow-error.js';

/**
 * MLflow's refusal of an unsafe artifact path: the message is exactly MLflow's "Invalid path"
 * (its tests compare it); `reason` names the rule broken, for logs and tests.
 */
export class InvalidPathError extends MlflowError {
  constructor(readonly reason: string) {
    super('INVALID_PARAMETER_VALUE', 'Invalid path');
  }
}

function refuse(why: string): never {
  throw new InvalidPathError(why);
}

/**
 * Checks an already decoded path (a query parameter, a stored URI) and returns it without a
 * trailing '/'. '' is the root; callers that need a file refuse it themselves.
 */
export function safeArtifactPath(path: string): string {
  if (/[\u0000-\u001f\u007f]/.test(path)) refuse('control characters (such as NUL) are not allowed');
  if (path.includes('\\')) refuse('backslashes are not allowed');
  if (/%[0-9a-fA-F]{2}/.test(path)) refuse('percent-encoded characters are not allowed (double encoding)');
  if (path.includes('#')) refuse("'#' is not allowed");
  if (path.startsWith('/')) refuse('absolute paths are not allowed');
  if (/^[A-Za-z]:/.test(path)) refuse('Windows drive letters are not allowed');
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed === '') return '';
  for (const segment of trimmed.split('/')) {
    if (segment === '..') refuse("'..' is not allowed");
    if (segment === '' || segment === '.') refuse("empty or '.' segments are not allowed");
  }
  return trimmed;
}

/** The rest of a URL path as the router gives it, still percent-encoded: decoded exactly once. */
export function safeArtifactPathFromUrl(encoded: string): string {
  // An encoded separator would become a segment boundary only after our checks of segments.
  if (/%2f/i.test(encoded)) refuse("an encoded '/' (%2F) is not allowed");
  if (/%5c/i.test(encoded)) refuse("an encoded '\\' (%5C) is not allowed");
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    refuse('malformed percent-encoding');
  }
  return safeArtifactPath(decoded);
}

/**
 * Checks the request line's own path. The server's WHATWG URL parsing resolves '..' and
 * '%2e%2e' segments and turns '\' into '/' before routing, so an attack could reach a route
 * already rewritten into an innocent-looking path; MLflow refuses such requests, so do we.
 */
export function checkRawRequestPath(rawUrl: string): void {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  if (path.includes('\\')) refuse('backslashes are not allowed');
  for (const segment of path.split('/')) {
    const dots = segment.replace(/%2e/gi, '.');
    if (dots === '..') refuse("'..' is not allowed");
    if (dots === '.') refuse("'.' segments are not allowed");
  }
}

/**
 * The absolute location of `path` under `root`, refused when a symbolic link met on the way
 * leads outside the root or nowhere. The answer keeps the links (deleting a link removes the
 * link, not its target); `root` must exist.
 */
export async function resolveInsideRoot(root: string, path: string): Promise<string> {
  const realRoot = await realpath(root);
  const segments = safeArtifactPath(path).split('/').filter((s) => s !== '');
  let current = realRoot;
  for (const segment of segments) {
    const next = join(current, segment);
    const stats = await lstat(next).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (!stats) break; // nothing exists below here, so no link can lead anywhere yet
    if (!stats.isSymbolicLink()) {
      current = next;
      continue;
    }
    const target = await realpath(next).catch(() => refuse('a symbolic link on the way cannot be resolved'));
    if (!isInside(realRoot, target)) refuse('a symbolic link leads outside the artifact root');
    current = target;
  }
  return join(realRoot, ...segments);
}

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
