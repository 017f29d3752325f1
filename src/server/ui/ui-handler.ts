/**
 * Serves the built web UI: files of the web root with their content types, and index.html for
 * any other GET path so that the UI's own URLs (/experiments/1, /models/x) load the app.
 * API paths never fall back to the page: an unknown endpoint stays MLflow's JSON 404.
 * Vite names its assets by content hash (assets/index-3f2a9c.js), so they are cached for a
 * year; index.html is revalidated every time so a new build is picked up at once.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { MlflowError } from '../../common/mlflow-error.js';
import { RESPONDED, type ApiRequest, type Handler } from '../router.js';
import { contentTypeOf } from './content-types.js';
import { uiNotBuiltPage } from './ui-not-built-page.js';
import { endpointNotFoundMessage } from '../unserved-families.js';

/** Paths of the API, never answered with the page. */
export const API_PATHS = /^\/(api|ajax-api)(\/|$)/;
const HASHED_ASSET = /^assets\//;

export function uiHandler(webRoot: string): Handler {
  const root = resolve(webRoot);
  return async (req: ApiRequest) => {
    if (API_PATHS.test(req.path)) throw new MlflowError('ENDPOINT_NOT_FOUND', endpointNotFoundMessage('GET', req.path));
    const file = await existingFile(root, req.path);
    if (file) {
      sendFile(req, file.path, file.size, HASHED_ASSET.test(relative(root, file.path).split(sep).join('/')));
      return RESPONDED;
    }
    // A missing asset is a 404, not the page: a script tag given HTML would fail obscurely.
    if (/\.[a-z0-9]+$/i.test(req.path) && !req.path.endsWith('.html')) {
      throw new MlflowError('ENDPOINT_NOT_FOUND', `No file ${req.path} in the web UI`);
    }
    const index = await existingFile(root, '/index.html');
    if (!index) {
      sendText(req, 503, uiNotBuiltPage(root));
      return RESPONDED;
    }
    sendFile(req, index.path, index.size, false);
    return RESPONDED;
  };
}

/** The regular file at `urlPath` inside `root`, or undefined; never a path outside `root`. */
async function existingFile(root: string, urlPath: string): Promise<{ path: string; size: number } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const path = resolve(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? { path, size: info.size } : undefined;
}

function sendFile(req: ApiRequest, path: string, size: number, immutable: boolean): void {
  req.res.writeHead(200, {
    'Content-Type': contentTypeOf(path),
    'Content-Length': size,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  createReadStream(path).on('error', () => req.res.destroy()).pipe(req.res);
}

function sendText(req: ApiRequest, status: number, html: string): void {
  req.res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-cache' });
  req.res.end(html);
}
