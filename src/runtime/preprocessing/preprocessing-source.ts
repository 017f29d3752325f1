/**
 * Where a model version's preprocessing step comes from (the Fink AI convention): the folder
 * `preprocessing/` among the artifacts of the version's source run, holding `preprocessing.py`
 * and the `requirements.txt` its environment is built from.
 */
import type { ArtifactReader } from '../../artifacts/artifact-repository.js';
import { repositoryPathOf } from '../../artifacts/artifact-uri.js';
import { downloadArtifacts } from '../../artifacts/download-artifacts.js';

export const PREPROCESSING_FOLDER = 'preprocessing';
export const PREPROCESSING_MODULE = 'preprocessing.py';
export const PREPROCESSING_REQUIREMENTS = 'requirements.txt';

/** What finding a run's artifacts needs (an `Aviary` is one, a RemoteModelStore another). */
export interface RunArtifactStore {
  readonly tracking: { getRun(runId: string): Promise<{ readonly info: { readonly artifact_uri: string } }> };
  readonly artifacts: ArtifactReader;
}

/**
 * Downloads the run's `preprocessing/` folder into `into` and returns true; false when the run
 * has no `preprocessing/preprocessing.py`. A module without its requirements.txt is an error:
 * its environment would be a guess.
 */
export async function fetchPreprocessing(store: RunArtifactStore, runId: string, into: string): Promise<boolean> {
  const run = await store.tracking.getRun(runId);
  const folder = `${repositoryPathOf(run.info.artifact_uri, store.artifacts.localFolder)}/${PREPROCESSING_FOLDER}`.replace(/^\/+/, '');
  const files = new Set((await store.artifacts.list(folder)).filter((e) => !e.is_dir).map((e) => e.path.split('/').pop()));
  if (!files.has(PREPROCESSING_MODULE)) return false;
  if (!files.has(PREPROCESSING_REQUIREMENTS)) {
    throw new Error(
      `run ${runId} holds ${PREPROCESSING_FOLDER}/${PREPROCESSING_MODULE} but no ${PREPROCESSING_FOLDER}/${PREPROCESSING_REQUIREMENTS}: ` +
        'log the requirements of the preprocessing step beside it',
    );
  }
  await downloadArtifacts(store.artifacts, folder, into);
  return true;
}
