/**
 * MLflow's rules for the source of a version created through the REST API (its handler's source
 * checks): a local path must lie inside the artifact folder of the run (or logged model) named
 * beside it, a runs:/ source must name the run given as run_id, an mlflow-artifacts source must
 * lie under that run's artifact root, and remote URIs must not climb out of their path. A run_id
 * that names no run is recorded as given when nothing above needs the run, as MLflow does.
 */
import { posix } from 'node:path';
import { MlflowError } from '../common/mlflow-error.js';

/** The artifact roots the rules compare with; undefined when no such run or logged model exists. */
export interface SourceOwners {
  runArtifactUri(runId: string): Promise<string | undefined>;
  loggedModelArtifactUri(modelId: string): Promise<string | undefined>;
}

interface ParsedUri {
  readonly scheme: string;
  readonly netloc: string;
  readonly path: string;
}

/** Python's urllib.parse.urlsplit, as far as these rules read it. */
export function splitUri(uri: string): ParsedUri {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
  let rest = scheme ? uri.slice(scheme[0].length) : uri;
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  const path = rest.split(/[?#]/, 1)[0] ?? '';
  return { scheme: scheme ? scheme[1]!.toLowerCase() : '', netloc, path };
}

function hostnameOf(netloc: string): string {
  return netloc.replace(/^.*@/, '').replace(/:\d*$/, '').replace(/^\[|\]$/g, '').toLowerCase();
}

/** A path on the server's file system: no scheme, `file:`, or a scheme with a local host. */
export function isLocalUri(uri: string): boolean {
  const { scheme, netloc } = splitUri(uri);
  if (scheme === '') return true;
  const host = hostnameOf(netloc);
  const remote = host !== '' && !(host === '.' || host.startsWith('localhost') || host.startsWith('127.0.0.1'));
  if (scheme === 'file') {
    if (remote) {
      throw new MlflowError(
        'INTERNAL_ERROR',
        `${uri} is not a valid remote uri. For remote access on windows, please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).`,
      );
    }
    return true;
  }
  return false;
}

/** A local path or file: URI as an absolute, normalised path (relative paths against the working directory). */
export function localPathOf(uri: string): string {
  const path = uri.startsWith('file:') ? decodeURIComponent(splitUri(uri).path) : uri;
  return posix.resolve(process.cwd(), path);
}

function unquoteRepeatedly(value: string, plus: boolean): string {
  for (;;) {
    let next: string;
    try {
      next = decodeURIComponent(plus ? value.replace(/\+/g, ' ') : value);
    } catch {
      return value;
    }
    if (next === value) return value;
    value = next;
  }
}

function notContained(source: string, idName: 'run_id' | 'model_id'): MlflowError {
  return MlflowError.invalid(
    `Invalid model version source: '${source}'. The ${idName} request parameter must identify the resource that contains the source.`,
  );
}

/** Remote sources must not reach other paths through `..`, encoded separators or NUL. */
function refuseRelativeReferences(source: string): void {
  const refuse = () =>
    MlflowError.invalid(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
    );
  const unquoted = unquoteRepeatedly(source, true);
  const path = splitUri(unquoted).path.replace(/\/+$/, '').replace(/\/+/g, '/');
  if (path.includes('\0') || unquoted.split('/').includes('..')) throw refuse();
  // MLflow resolves the path on its own file system: anything but an absolute, normal path differs.
  if (posix.resolve('/', path) !== path || !path.startsWith('/')) throw refuse();
}

function uriParts(uri: string): { scheme: string; netloc: string; parts: string[] } {
  const { scheme, netloc, path } = splitUri(uri);
  const parts = path.split('/').filter((p) => p !== '').map((p) => unquoteRepeatedly(p, false));
  return { scheme, netloc: netloc.toLowerCase(), parts };
}

function isWithinRoot(source: string, root: string): boolean {
  const s = uriParts(source);
  const r = uriParts(root);
  return s.scheme === r.scheme && s.netloc === r.netloc && r.parts.length > 0 && r.parts.every((p, i) => s.parts[i] === p);
}

const PROXY_ROUTE = ['api', '2.0', 'mlflow-artifacts', 'artifacts'];

function isMlflowArtifactSource(source: string): boolean {
  const { scheme, parts } = uriParts(source);
  if (scheme === 'mlflow-artifacts') return true;
  if (scheme !== 'http' && scheme !== 'https') return false;
  return parts.some((_, i) => PROXY_ROUTE.every((p, j) => parts[i + j] === p));
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}

/** A local source: inside the local artifact root of the run or logged model named beside it. */
async function checkLocalSource(
  source: string,
  idName: 'run_id' | 'model_id',
  id: string | undefined,
  rootOf: (id: string) => Promise<string | undefined>,
): Promise<void> {
  let shown = source;
  if (id) {
    const root = await rootOf(id);
    if (root === undefined) throw notContained(source, idName);
    shown = localPathOf(source);
    if (isLocalUri(root) && isInside(shown, localPathOf(root))) return;
  }
  throw MlflowError.invalid(
    `Invalid model version source: '${shown}'. To use a local path as a model version source, the ${idName} request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the ${idName}.`,
  );
}

/**
 * Whether a models:/ URI names a logged model (`models:/<model id>`: one part, no alias) rather
 * than a registered model's version; a path MLflow cannot parse counts as a logged model's.
 */
function namesLoggedModel(path: string): boolean {
  const parts = path.replace(/^\//, '').split('/');
  if (!path.startsWith('/') || parts.length > 2 || parts[0]!.trim() === '') return true;
  return parts.length === 1 && !parts[0]!.includes('@');
}

/** The checks for a version that names no logged model: its source against run_id. */
export async function checkSourceOfRun(source: string, runId: string | undefined, owners: SourceOwners): Promise<void> {
  if (isLocalUri(source)) return checkLocalSource(source, 'run_id', runId, (id) => owners.runArtifactUri(id));
  refuseRelativeReferences(source);
  const { scheme, netloc, path } = splitUri(source);
  if (scheme === 'runs') {
    const sourceRunId = path.replace(/^\//, '').split('/')[0];
    if (netloc || !path.startsWith('/') || !sourceRunId || sourceRunId !== runId) throw notContained(source, 'run_id');
    return;
  }
  if (scheme === 'models' && (netloc || namesLoggedModel(path))) throw notContained(source, 'model_id');
  if (isMlflowArtifactSource(source)) {
    const root = runId ? await owners.runArtifactUri(runId) : undefined;
    if (root === undefined || !isWithinRoot(source, root)) throw notContained(source, 'run_id');
  }
}

/** The checks for a version made from a logged model: its source against model_id. */
export async function checkSourceOfLoggedModel(source: string, modelId: string, owners: SourceOwners): Promise<void> {
  if (isLocalUri(source)) return checkLocalSource(source, 'model_id', modelId, (id) => owners.loggedModelArtifactUri(id));
  refuseRelativeReferences(source);
  const { scheme, netloc, path } = splitUri(source);
  if (scheme === 'models') {
    if (netloc) throw notContained(source, 'model_id');
    if (namesLoggedModel(path)) {
      if (path.replace(/^\/+/, '') === modelId) return;
      throw notContained(source, 'model_id');
    }
  }
  if (scheme === 'runs') throw notContained(source, 'model_id');
  if (isMlflowArtifactSource(source)) {
    const root = await owners.loggedModelArtifactUri(modelId);
    if (root === undefined || !isWithinRoot(source, root)) throw notContained(source, 'model_id');
  }
}

/** MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX: a source the pattern does not find is refused. */
export function checkSourcePattern(source: string, pattern: RegExp | undefined): void {
  if (source && pattern && !pattern.test(source)) throw MlflowError.invalid(`Invalid model version source: '${source}'.`);
}
