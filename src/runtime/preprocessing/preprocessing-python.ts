/**
 * The Python a model's preprocessing step is built on: the model's own, read as its environment
 * is (python_env.yaml, then conda.yaml, then MLmodel's python_version: readModelEnvironment), so
 * the step runs on the major.minor the model's workers run on, whether the model is loaded, runs
 * in-process (ONNX), or is not loaded at all (`models check --no-model`). Only a model naming no
 * Python gets the host's `python3`.
 */
import { basename } from 'node:path';
import type { MlModel } from '../model-format/ml-model.js';
import { readModelEnvironment } from '../model-format/read-model-environment.js';
import { hostPythonVersion } from './preprocessing-step.js';

export interface PreprocessingPython {
  /** As the model names it, e.g. "3.11.7"; the environment builder matches its major.minor. */
  readonly version: string;
  /** Where it was read: "python_env.yaml", "conda.yaml", "MLmodel", or "python3 on PATH". */
  readonly from: string;
}

export async function preprocessingPython(model: MlModel, hostPython: () => Promise<string> = hostPythonVersion): Promise<PreprocessingPython> {
  // An unreadable environment file is reported when the model loads; the MLmodel's pin still says which Python it was saved with.
  const environment = await readModelEnvironment(model).catch(() => undefined);
  if (environment) return { version: environment.spec.python, from: basename(environment.source) === 'requirements.txt' ? 'MLmodel' : basename(environment.source) };
  const pinned = model.pythonFunction?.pythonVersion;
  if (pinned) return { version: pinned, from: 'MLmodel' };
  return { version: await hostPython(), from: 'python3 on PATH' };
}
