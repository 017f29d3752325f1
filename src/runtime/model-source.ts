/**
 * Where a model's files come from: a local model folder as it is, or a model URI (models:/...,
 * runs:/..., mlflow-artifacts:/...) resolved through the registry and downloaded from the
 * artifact repository. The CLI and the runtime both start here.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactReader } from '../artifacts/artifact-repository.js';
import { repositoryPathOf } from '../artifacts/artifact-uri.js';
import { downloadArtifacts } from '../artifacts/download-artifacts.js';
import { makeTempDir, removeTempDir } from '../common/temp-dirs.js';
import type { ModelVersion } from '../registry/entities.js';

/**
 * What fetching a URI needs: URI resolution and the artifacts' files. An `Aviary` is one (this
 * machine's data dir); so is a RemoteModelStore (a tracking server over HTTP).
 */
export interface ModelStore {
  readonly registry: { resolveModelUri(uri: string): Promise<{ artifactUri: string; version?: ModelVersion }> };
  readonly artifacts: ArtifactReader;
}

export interface FetchedModel {
  /** The model folder (holding MLmodel). */
  readonly dir: string;
  /** The URI as given, or the absolute folder. */
  readonly uri: string;
  /** Where the files were downloaded from (absent for a local folder). */
  readonly artifactUri?: string;
  /** The registered version a models:/ URI named. */
  readonly version?: ModelVersion;
  /** Files downloaded (0 for a local folder). */
  readonly files: number;
  /** Removes a download made into a temporary folder; does nothing otherwise. */
  dispose(): Promise<void>;
}

/** True for a URI to resolve through the registry; false for a folder path or a file: URI. */
export function isModelUri(uriOrFolder: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(uriOrFolder) && !uriOrFolder.startsWith('file:');
}

/**
 * The model named by `uriOrFolder`. A URI is downloaded into `options.into`, or else into a new
 * temporary folder (aviary-model-<pid>-*) that `dispose()` removes, or else the process's exit.
 * `aviary` is only used for URIs.
 */
export async function fetchModel(
  uriOrFolder: string,
  aviary: ModelStore | undefined,
  options: { into?: string } = {},
): Promise<FetchedModel> {
  if (!isModelUri(uriOrFolder)) {
    const dir = resolve(uriOrFolder.startsWith('file:') ? fileURLToPath(uriOrFolder) : uriOrFolder);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
      throw new Error(`${uriOrFolder} is neither a model folder nor a model URI (models:/name@alias, models:/name/3, runs:/<run id>/<path>)`);
    }
    return { dir, uri: dir, files: 0, dispose: async () => {} };
  }
  if (!aviary) throw new Error(`${uriOrFolder} is a model URI: resolving it needs the registry`);
  const { artifactUri, version } = await aviary.registry.resolveModelUri(uriOrFolder);
  const temporary = options.into === undefined;
  const dir = temporary ? await makeTempDir('aviary-model') : resolve(options.into!);
  const dispose = async () => {
    if (temporary) await removeTempDir(dir);
  };
  try {
    const files = await downloadArtifacts(aviary.artifacts, repositoryPathOf(artifactUri, aviary.artifacts.localFolder), dir);
    if (files === 0) throw new Error(`${uriOrFolder} resolves to ${artifactUri}, which holds no files`);
    return { dir, uri: uriOrFolder, artifactUri, version, files, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
