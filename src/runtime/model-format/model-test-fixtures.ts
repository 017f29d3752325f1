/**
 * Model folders for tests, in the exact shapes MLflow 3.17 writes (copied from models saved with
 * mlflow.sklearn.save_model / log_model and mlflow.onnx.save_model, not from MLflow's code).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const made: string[] = [];

/** Writes `files` (relative path -> text) into a new temporary folder and returns its path. */
export async function modelFolder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aviary-model-test-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** Removes every folder `modelFolder` made (for afterAll). */
export async function removeModelFolders(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** mlflow.sklearn.save_model with a DataFrame signature and input example. */
export const SKLEARN_MLMODEL = `flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.skops
    predict_fn: predict
    python_version: 3.11.7
  sklearn:
    code: null
    pickled_model: model.skops
    serialization_format: skops
    sklearn_version: 1.9.1
    skops_trusted_types: null
is_signature_from_type_hint: false
mlflow_version: 3.17.2
model_id: null
model_size_bytes: 10686
model_uuid: 1dc3966dcb26422ca47b5f8be19e9751
prompts: null
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "x", "required": true}, {"type": "double",
    "name": "y", "required": true}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
type_hint_from_example: false
utc_time_created: '2026-11-26 13:02:15.383592'
`;

/** mlflow.sklearn.log_model in a run: tensor signature, params, ids, `-c constraints.txt`. */
export const LOGGED_MLMODEL = `artifact_path: /tmp/mlx/mlruns/0/models/m-07e4ca287e294cbbbddcef05f656041c/artifacts
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.skops
    predict_fn: predict
    python_version: 3.11.7
  sklearn:
    code: null
    pickled_model: model.skops
    serialization_format: skops
    sklearn_version: 1.9.1
    skops_trusted_types: null
is_signature_from_type_hint: false
mlflow_version: 3.17.2
model_id: m-07e4ca287e294cbbbddcef05f656041c
model_size_bytes: 9147
model_uuid: m-07e4ca287e294cbbbddcef05f656041c
prompts: null
run_id: 22fbc6aabb0f4e079a733c53b9261dd4
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: '[{"name": "threshold", "default": 0.5, "shape": null, "type": "double"}]'
type_hint_from_example: false
utc_time_created: '2026-11-26 13:03:34.561775'
`;

/** mlflow.onnx.save_model: an onnx flavor plus the python_function flavor MLflow adds. */
export const ONNX_MLMODEL = `flavors:
  onnx:
    code: null
    data: model.onnx
    onnx_session_options: null
    onnx_version: 1.23.2
    providers:
    - CUDAExecutionProvider
    - CPUExecutionProvider
  python_function:
    data: model.onnx
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.onnx
    python_version: 3.11.7
mlflow_version: 3.17.2
model_id: null
model_size_bytes: 549
model_uuid: 06add7612d7f4ee8a3ca725929930af1
prompts: null
utc_time_created: '2026-11-26 13:09:26.695620'
`;

export const PYTHON_ENV_YAML = `python: 3.11.7
build_dependencies:
- pip
- setuptools
- wheel
dependencies:
- -r requirements.txt
`;

export const CONDA_YAML = `channels:
- conda-forge
dependencies:
- python=3.11.7
- pip
- pip:
  - mlflow==3.17.2
  - numpy==2.4.6
  - scikit-learn==1.9.1
name: mlflow-env
`;

/** MLflow writes requirements.txt without a final newline. */
export const REQUIREMENTS_TXT = 'mlflow==3.17.2\nnumpy==2.4.6\nscikit-learn==1.9.1';

/** A complete sklearn model folder, as save_model leaves it (the weights stubbed). */
export function sklearnModelFiles(): Record<string, string> {
  return {
    MLmodel: SKLEARN_MLMODEL,
    'python_env.yaml': PYTHON_ENV_YAML,
    'conda.yaml': CONDA_YAML,
    'requirements.txt': REQUIREMENTS_TXT,
    'model.skops': 'weights',
    'input_example.json': '{"columns": ["x", "y"], "data": [[0.1, 1.0], [0.5, 2.0]]}',
  };
}
