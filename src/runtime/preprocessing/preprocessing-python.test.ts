import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { normaliseSpec } from '../environments/spec-hash.js';
import { CONDA_YAML, modelFolder, ONNX_MLMODEL, PYTHON_ENV_YAML, removeModelFolders, REQUIREMENTS_TXT, SKLEARN_MLMODEL } from '../model-format/model-test-fixtures.js';
import { readMlModel } from '../model-format/read-ml-model.js';
import { preprocessingEnvironmentSpec } from '../preprocessing-check-source.js';
import { preprocessingPython } from './preprocessing-python.js';

const run = promisify(execFile);

async function pythonOf(files: Record<string, string>) {
  return preprocessingPython(await readMlModel(await modelFolder(files)));
}

describe('preprocessingPython', () => {
  afterAll(removeModelFolders);

  it("takes python_env.yaml's Python over the MLmodel's pin, as the model's environment does", async () => {
    // An ONNX model runs in-process, but its preprocessing still runs on the Python it names.
    const onnx = ONNX_MLMODEL.replace('python_version: 3.11.7', 'python_version: 3.12.1');
    const python = await pythonOf({ MLmodel: onnx, 'python_env.yaml': PYTHON_ENV_YAML.replace('3.11.7', '3.10.13'), 'requirements.txt': REQUIREMENTS_TXT });
    expect(python).toEqual({ version: '3.10.13', from: 'python_env.yaml' });
  });

  it("takes conda.yaml's pin without python_env.yaml, then the MLmodel's", async () => {
    expect(await pythonOf({ MLmodel: SKLEARN_MLMODEL, 'conda.yaml': CONDA_YAML.replace('python=3.11.7', 'python=3.12.1') })).toEqual({ version: '3.12.1', from: 'conda.yaml' });
    expect(await pythonOf({ MLmodel: SKLEARN_MLMODEL, 'requirements.txt': REQUIREMENTS_TXT })).toEqual({ version: '3.11.7', from: 'MLmodel' });
  });

  it('falls back to python3 on PATH only for a model naming no Python', async () => {
    const onnxOnly = ONNX_MLMODEL.replace(/ {2}python_function:[\s\S]*?python_version: 3\.11\.7\n/, '');
    const { stdout } = await run('python3', ['-c', 'import platform; print(platform.python_version())']);
    expect(await pythonOf({ MLmodel: onnxOnly })).toEqual({ version: stdout.trim(), from: 'python3 on PATH' });
  });

  it("gives a local preprocessing folder's environment the model's major.minor", async () => {
    const model = await modelFolder({ MLmodel: SKLEARN_MLMODEL, 'python_env.yaml': PYTHON_ENV_YAML.replace('3.11.7', '3.10.13'), 'requirements.txt': REQUIREMENTS_TXT });
    const preprocessing = await modelFolder({ 'preprocessing.py': 'FEATURE_NAMES = []\n', 'requirements.txt': 'numpy==2.2.6\n' });
    const spec = await preprocessingEnvironmentSpec(preprocessing, (await preprocessingPython(await readMlModel(model))).version);
    expect(normaliseSpec(spec)).toEqual({ python: '3.10', requirements: ['numpy==2.2.6'], constraints: [] });
  });
});
