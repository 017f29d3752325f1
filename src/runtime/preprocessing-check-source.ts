/**
 * The preprocessing `aviary models check` checks, and the environment it runs in. By the Fink AI
 * convention the model's source run holds `preprocessing/preprocessing.py` and
 * `preprocessing/requirements.txt`; the run is the version's `run_id`, the run of a `runs:/`
 * URI, or a logged model's `source_run_id` (downloaded by preprocessing/preprocessing-source.ts,
 * as the broker does). For a local model folder it is looked for in `<folder>/preprocessing`,
 * then `<folder>/../preprocessing` (a downloaded run). An explicit folder overrides all this.
 */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { makeTempDir, removeTempDir } from '../common/temp-dirs.js';
import { parseModelUri } from '../registry/model-uri.js';
import type { EnvironmentSpec } from './environment-builder.js';
import { expandRequirements } from './model-format/requirements-file.js';
import { readTextFile } from './model-format/yaml-file.js';
import { isModelUri, type ModelStore } from './model-source.js';
import { fetchPreprocessing, PREPROCESSING_FOLDER, PREPROCESSING_MODULE, PREPROCESSING_REQUIREMENTS, type RunArtifactStore } from './preprocessing/preprocessing-source.js';

/** What finding the preprocessing needs from Aviary (an `Aviary` is one). */
export interface PreprocessingStore extends ModelStore, RunArtifactStore {
  readonly tracking: RunArtifactStore['tracking'] & { getLoggedModel(id: string): Promise<{ info: { source_run_id?: string } }> };
}

export interface LocatedPreprocessing {
  /** The folder holding preprocessing.py and requirements.txt. */
  readonly dir: string;
  /** Where it came from: "run <id>", or the folder. */
  readonly from: string;
  dispose(): Promise<void>;
}

export async function locatePreprocessing(uriOrFolder: string, store: PreprocessingStore | undefined, explicitDir?: string): Promise<LocatedPreprocessing> {
  const local = async (dir: string): Promise<LocatedPreprocessing> => {
    await requireFiles(dir);
    return { dir, from: dir, dispose: async () => {} };
  };
  if (explicitDir !== undefined) return local(resolve(explicitDir));
  if (!isModelUri(uriOrFolder)) {
    const folder = resolve(uriOrFolder);
    for (const dir of [join(folder, PREPROCESSING_FOLDER), join(dirname(folder), PREPROCESSING_FOLDER)]) {
      if (await isFile(join(dir, PREPROCESSING_MODULE))) return local(dir);
    }
    throw new Error(`no ${PREPROCESSING_FOLDER}/${PREPROCESSING_MODULE} in ${folder} or beside it: give the folder with --preprocessing`);
  }
  if (!store) throw new Error(`${uriOrFolder} is a model URI: finding its preprocessing needs the registry`);
  const runId = await sourceRunOf(uriOrFolder, store);
  const dir = await makeTempDir('aviary-preprocessing');
  const dispose = () => removeTempDir(dir);
  try {
    if (!(await fetchPreprocessing(store, runId, dir))) throw new Error(`the source run ${runId} of ${uriOrFolder} holds no ${PREPROCESSING_FOLDER}/${PREPROCESSING_MODULE}`);
    return { dir, from: `run ${runId}`, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function sourceRunOf(uri: string, store: PreprocessingStore): Promise<string> {
  const parsed = parseModelUri(uri);
  if (parsed.kind === 'run') return parsed.runId;
  if (parsed.kind === 'logged-model') {
    const runId = (await store.tracking.getLoggedModel(parsed.modelId)).info.source_run_id;
    if (!runId) throw new Error(`the logged model ${parsed.modelId} has no source run: its preprocessing cannot be found`);
    return runId;
  }
  if (parsed.kind === 'artifact') throw new Error(`${uri} names files, not a run: give the preprocessing folder with --preprocessing`);
  const { version } = await store.registry.resolveModelUri(uri);
  if (!version?.run_id) throw new Error(`${uri} (version ${version?.version}) has no source run: its preprocessing cannot be found`);
  return version.run_id;
}

/** The environment of a preprocessing folder: its requirements.txt on `python`. */
export async function preprocessingEnvironmentSpec(dir: string, python: string): Promise<EnvironmentSpec> {
  const file = join(dir, PREPROCESSING_REQUIREMENTS);
  const text = (await readTextFile(file)) ?? '';
  const { requirements, constraints } = await expandRequirements(text.split(/\r?\n/), file, dir);
  return { python, requirements, ...(constraints.length > 0 ? { constraints } : {}) };
}

/** The broker refuses a preprocessing without its requirements.txt (its environment would be a guess): so does the check. */
async function requireFiles(dir: string): Promise<void> {
  if (!(await isFile(join(dir, PREPROCESSING_MODULE)))) throw new Error(`${dir} holds no ${PREPROCESSING_MODULE}`);
  if (!(await isFile(join(dir, PREPROCESSING_REQUIREMENTS)))) {
    throw new Error(`${dir} holds ${PREPROCESSING_MODULE} but no ${PREPROCESSING_REQUIREMENTS}: list its requirements beside it (an empty file for the standard library only)`);
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
