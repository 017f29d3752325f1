/**
 * MLflow's proxied artifact service (`mlflow-artifacts:/` URIs), and the two tracking
 * endpoints that read a run's artifacts through it. Bodies stream both ways: an upload goes
 * from the socket to the repository, a download from the repository to the socket.
 */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { MlflowError } from '../../common/mlflow-error.js';
import type { ArtifactRepository } from '../../artifacts/artifact-repository.js';
import { repositoryPathOf } from '../../artifacts/artifact-uri.js';
import { checkRawRequestPath, safeArtifactPath, safeArtifactPathFromUrl } from '../../artifacts/safe-artifact-path.js';
import { RESPONDED, type ApiRequest, type Handler, type Route } from '../router.js';
import { int64, list, message, missing, parseMessage, string } from '../schema.js';

/** MLflow's exact words: its client falls back to a single PUT when the message starts so. */
const NO_MULTIPART_UPLOAD = 'Multipart upload is not supported for the current artifact repository';
const NO_MULTIPART_DOWNLOAD = 'Multipart download is not supported for the current artifact repository';

/** Routes relative to `/api/2.0/mlflow-artifacts` and `/ajax-api/2.0/mlflow-artifacts`. */
export function artifactServiceRoutes(repo: ArtifactRepository): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/artifacts',
      handler: async (req) => {
        const entries = await repo.list(safeArtifactPath(req.query.get('path') ?? ''));
        const files = entries.map((f) => ({ ...f, path: baseName(f.path) }));
        // proto3 JSON leaves an empty repeated field out: MLflow answers `{}`.
        return files.length > 0 ? { files } : {};
      },
    },
    { method: 'GET', pattern: '/artifacts/*path', handler: (req) => sendArtifact(req.res, repo, filePath(req)) },
    {
      method: 'PUT',
      pattern: '/artifacts/*path',
      handler: async (req) => {
        await repo.write(filePath(req), req.raw);
        return {};
      },
    },
    {
      method: 'DELETE',
      pattern: '/artifacts/*path',
      handler: async (req) => {
        await repo.delete(filePath(req));
        return {};
      },
    },
    { method: 'POST', pattern: '/mpu/create/*path', handler: noMultipart({ path: string().req(), num_parts: int64() }) },
    {
      method: 'POST',
      pattern: '/mpu/complete/*path',
      handler: noMultipart({
        path: string().req(),
        upload_id: string(),
        parts: list(message({ part_number: int64(), etag: string(), url: string() })).req(),
      }),
    },
    { method: 'POST', pattern: '/mpu/abort/*path', handler: noMultipart({ path: string().req(), upload_id: string() }) },
    {
      method: 'GET',
      pattern: '/presigned/*path',
      handler: (req) => {
        filePath(req);
        throw new MlflowError('NOT_IMPLEMENTED', NO_MULTIPART_DOWNLOAD);
      },
    },
  ];
}

/** Gives a run's `artifact_uri`; throws RESOURCE_DOES_NOT_EXIST for an unknown run. */
export type RunArtifactUri = (runId: string) => Promise<string>;

/**
 * The routes that find a run's artifact root through the tracking store, mounted at the
 * server's root: ListArtifacts at `<prefix>/artifacts/list` for each API prefix given (such as
 * `/api/2.0/mlflow`), and the UI's download `/get-artifact?path=&run_uuid=`.
 */
export function runArtifactRoutes(
  repo: ArtifactRepository,
  artifactUriOf: RunArtifactUri,
  apiPrefixes: readonly string[],
): Route[] {
  const listArtifacts = listArtifactsHandler(repo, artifactUriOf);
  return [
    ...apiPrefixes.map((prefix): Route => ({ method: 'GET', pattern: `${prefix}/artifacts/list`, handler: listArtifacts })),
    { method: 'GET', pattern: '/get-artifact', handler: getArtifactHandler(repo, artifactUriOf) },
  ];
}

function listArtifactsHandler(repo: ArtifactRepository, artifactUriOf: RunArtifactUri): Handler {
  const shape = { run_id: string(), run_uuid: string(), path: string(), page_token: string() };
  return async (req) => {
    const msg = parseMessage(shape, await req.input());
    const runId = msg.run_id || msg.run_uuid;
    if (!runId) throw missing('run_id');
    const relative = msg.path === undefined ? '' : safeArtifactPath(msg.path);
    return listUnderRoot(repo, await artifactUriOf(runId), relative);
  };
}

/** ListArtifacts' answer for the folder `relative` (checked) of an artifact root (a run's, a logged model's). */
export async function listUnderRoot(repo: ArtifactRepository, rootUri: string, relative: string): Promise<object> {
  const entries = await repo.list(joinPath(repositoryPathOf(rootUri, repo.localFolder), relative));
  // Paths here are relative to the root, not basenames as in the artifact service.
  const files = entries.map((f) => ({ ...f, path: joinPath(relative, baseName(f.path)) }));
  return files.length > 0 ? { root_uri: rootUri, files } : { root_uri: rootUri };
}

function getArtifactHandler(repo: ArtifactRepository, artifactUriOf: RunArtifactUri): Handler {
  return async (req) => {
    const path = req.query.get('path');
    if (path === null) throw missing('path');
    const runId = req.query.get('run_id') || req.query.get('run_uuid');
    if (!runId) throw missing('run_id');
    const relative = safeArtifactPath(path);
    const base = repositoryPathOf(await artifactUriOf(runId), repo.localFolder);
    return sendArtifact(req.res, repo, joinPath(base, relative));
  };
}


/** The `*path` of an artifact route: a file or folder, never the root itself. */
function filePath(req: ApiRequest): string {
  checkRawRequestPath(req.raw.url ?? '');
  const path = safeArtifactPathFromUrl(req.params['path'] ?? '');
  if (path === '') throw MlflowError.invalid('Invalid path: an artifact path is required');
  return path;
}

/** MLflow checks the path, then the request's fields, and only then finds no multipart support. */
function noMultipart(shape: Parameters<typeof parseMessage>[0]): Handler {
  return async (req) => {
    filePath(req);
    parseMessage(shape, await req.input());
    throw new MlflowError('NOT_IMPLEMENTED', NO_MULTIPART_UPLOAD);
  };
}

/** Always an attachment with `nosniff`, as MLflow: a served HTML artifact must not run as our page. */
export async function sendArtifact(res: ServerResponse, repo: ArtifactRepository, path: string): Promise<typeof RESPONDED> {
  const file = await repo.read(path);
  const name = baseName(path);
  res.writeHead(200, {
    'Content-Type': guessMimeType(name),
    'Content-Length': file.size,
    'Content-Disposition': contentDisposition(name),
    'X-Content-Type-Options': 'nosniff',
  });
  // A client that goes away mid-download is not a server error; pipeline has closed both ends.
  await pipeline(file.stream, res).catch(() => undefined);
  return RESPONDED;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(base: string, rest: string): string {
  return base === '' ? rest : rest === '' ? base : `${base}/${rest}`;
}

/** MLflow serves these as text/plain whatever their type (mlflow/utils/mime_type_utils.py). */
const TEXT_EXTENSIONS = new Set(
  'txt log err cfg conf cnf cf ini properties prop hocon toml yaml yml xml json js py py3 csv tsv md rst ipynb MLmodel MLproject'.split(' '),
);

/**
 * The common part of Python's `mimetypes` table, which MLflow consults next. Python's answer
 * also depends on the host's /etc/mime.types; unknown extensions are binary in both.
 */
const MIME_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp',
  webp: 'image/webp', svg: 'image/svg+xml', tif: 'image/tiff', tiff: 'image/tiff', ico: 'image/vnd.microsoft.icon',
  fits: 'image/fits', fit: 'image/fits', html: 'text/html', htm: 'text/html', css: 'text/css',
  pdf: 'application/pdf', zip: 'application/zip', tar: 'application/x-tar', h5: 'application/x-hdf5',
  mp4: 'video/mp4', mp3: 'audio/mpeg', wav: 'audio/x-wav',
};

export function guessMimeType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  // As Python's splitext: leading dots start a name, they do not start an extension.
  const hasExtension = dot > 0 && /[^.]/.test(fileName.slice(0, dot)) && dot < fileName.length - 1;
  const extension = hasExtension ? fileName.slice(dot + 1) : fileName;
  if (TEXT_EXTENSIONS.has(extension)) return 'text/plain';
  return (hasExtension && MIME_TYPES[extension.toLowerCase()]) || 'application/octet-stream';
}

/** RFC 6266 as MLflow writes it: a bare token when possible, and `filename*` for non-ASCII names. */
export function contentDisposition(fileName: string): string {
  if (/^[\x20-\x7e]*$/.test(fileName)) return `attachment; filename=${quoteHeaderValue(fileName)}`;
  const fallback = fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '') || 'download';
  return `attachment; filename=${quoteHeaderValue(fallback)}; filename*=UTF-8''${rfc5987(fileName)}`;
}

function quoteHeaderValue(value: string): string {
  if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function rfc5987(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[0-9A-Za-z!#$&+\-.^_`|~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
