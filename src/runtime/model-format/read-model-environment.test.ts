import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from './model-format-error.js';
import {
  CONDA_YAML,
  LOGGED_MLMODEL,
  modelFolder,
  ONNX_MLMODEL,
  PYTHON_ENV_YAML,
  removeModelFolders,
  REQUIREMENTS_TXT,
  SKLEARN_MLMODEL,
  sklearnModelFiles,
} from './model-test-fixtures.js';
import { readMlModel } from './read-ml-model.js';
import { readModelEnvironment } from './read-model-environment.js';

async function environmentOf(files: Record<string, string>) {
  const dir = await modelFolder(files);
  return { dir, environment: await readModelEnvironment(await readMlModel(dir)) };
}

async function refusal(files: Record<string, string>, setup?: (dir: string) => Promise<void>): Promise<ModelFormatError> {
  const dir = await modelFolder(files);
  await setup?.(dir);
  const err = await readMlModel(dir)
    .then(readModelEnvironment)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ModelFormatError);
  return err as ModelFormatError;
}

const MLFLOW_REQUIREMENTS = ['mlflow==3.17.2', 'numpy==2.4.6', 'scikit-learn==1.9.1'];

describe('readModelEnvironment', () => {
  afterAll(removeModelFolders);

  it('reads python_env.yaml: build dependencies first, then requirements.txt expanded', async () => {
    const { dir, environment } = await environmentOf(sklearnModelFiles());
    expect(environment).toEqual({
      spec: { python: '3.11.7', requirements: ['pip', 'setuptools', 'wheel', ...MLFLOW_REQUIREMENTS] },
      source: join(dir, 'python_env.yaml'),
      warnings: [],
    });
  });

  it('collects `-c constraints.txt` (written by log_model with constraints) as constraints', async () => {
    const { environment } = await environmentOf({
      MLmodel: LOGGED_MLMODEL,
      'python_env.yaml': PYTHON_ENV_YAML,
      'requirements.txt': 'mlflow==3.17.2\nscikit-learn==1.9.1\nsix\n-c constraints.txt',
      'constraints.txt': 'six==1.16.0',
    });
    expect(environment?.spec).toEqual({
      python: '3.11.7',
      requirements: ['pip', 'setuptools', 'wheel', 'mlflow==3.17.2', 'scikit-learn==1.9.1', 'six'],
      constraints: ['six==1.16.0'],
    });
  });

  it('falls back to conda.yaml: its python pin, pip as a build dependency, its pip list', async () => {
    const { dir, environment } = await environmentOf({ MLmodel: SKLEARN_MLMODEL, 'conda.yaml': CONDA_YAML.replace('python=3.11.7', 'python=3.10.13').replace('- pip\n', '- pip<=24.0\n') });
    expect(environment).toEqual({
      spec: { python: '3.10.13', requirements: ['pip<=24.0', ...MLFLOW_REQUIREMENTS] },
      source: join(dir, 'conda.yaml'),
      warnings: [],
    });
  });

  it('prefers requirements.txt to conda.yaml`s pip list, and warns about conda-only packages', async () => {
    const conda = CONDA_YAML.replace('- pip\n', '- pip\n- cudatoolkit=11.8\n').replace('  - numpy==2.4.6\n', '');
    const { dir, environment } = await environmentOf({ MLmodel: SKLEARN_MLMODEL, 'conda.yaml': conda, 'requirements.txt': REQUIREMENTS_TXT });
    expect(environment?.spec.requirements).toEqual(['pip', ...MLFLOW_REQUIREMENTS]);
    expect(environment?.warnings).toEqual([`${join(dir, 'conda.yaml')}: conda packages a virtualenv cannot install are left out: cudatoolkit=11.8`]);
  });

  it('reads requirements.txt alone with the python_version of MLmodel', async () => {
    const { environment } = await environmentOf({ MLmodel: SKLEARN_MLMODEL, 'requirements.txt': `# pinned\n${REQUIREMENTS_TXT}\n\n` });
    expect(environment?.spec).toEqual({ python: '3.11.7', requirements: MLFLOW_REQUIREMENTS });
  });

  it('follows the file names MLmodel gives, and `-r` includes in subfolders', async () => {
    const mlmodel = SKLEARN_MLMODEL.replace('virtualenv: python_env.yaml', 'virtualenv: envs/venv.yaml');
    const { environment } = await environmentOf({
      MLmodel: mlmodel,
      'envs/venv.yaml': 'python: "3.12"\ndependencies:\n- -r reqs/base.txt\n- six==1.16.0\n',
      'envs/reqs/base.txt': 'numpy==2.4.6 \\\n  # trailing comment\nrequests>=2 ; python_version >= "3.8"  # inline\n',
    });
    expect(environment?.spec).toEqual({ python: '3.12', requirements: ['numpy==2.4.6', 'requests>=2 ; python_version >= "3.8"', 'six==1.16.0'] });
  });

  it('gives no environment for an ONNX-only model (it runs in-process)', async () => {
    const { environment } = await environmentOf({ MLmodel: 'flavors:\n  onnx:\n    data: model.onnx\n' });
    expect(environment).toBeUndefined();
  });

  it('reads the environment of an ONNX model that also has a pyfunc flavor', async () => {
    const { environment } = await environmentOf({ MLmodel: ONNX_MLMODEL, 'python_env.yaml': PYTHON_ENV_YAML, 'requirements.txt': 'mlflow==3.17.2\nonnx==1.23.2\nonnxruntime==1.31.1' });
    expect(environment?.spec.requirements).toEqual(['pip', 'setuptools', 'wheel', 'mlflow==3.17.2', 'onnx==1.23.2', 'onnxruntime==1.31.1']);
  });

  it('refuses an env file that cannot be read, naming it', async () => {
    const err = await refusal({ MLmodel: SKLEARN_MLMODEL }, (dir) => mkdir(join(dir, 'python_env.yaml')));
    expect(err.file).toMatch(/python_env\.yaml$/);
    expect(err.message).toMatch(/python_env\.yaml: is a folder, not a file$/);
  });

  it.each([
    ['invalid YAML in python_env.yaml', { 'python_env.yaml': 'python: [3.11\n' }, /python_env\.yaml: invalid YAML/],
    ['a python_env.yaml that is not a mapping', { 'python_env.yaml': '- pip\n' }, /python_env\.yaml: must be a mapping/],
    ['dependencies that are not strings', { 'python_env.yaml': 'python: 3.11.7\ndependencies:\n- {a: 1}\n' }, /python_env\.yaml: dependencies must be a list of strings/],
    ['a missing -r file', { 'python_env.yaml': PYTHON_ENV_YAML }, /python_env\.yaml: "-r requirements.txt" names .*requirements\.txt, which does not exist/],
    ['a -r file outside the model', { 'python_env.yaml': 'python: 3.11.7\ndependencies:\n- -r ../../etc/passwd\n' }, /refers to a file outside the model folder/],
    ['a -r cycle', { 'python_env.yaml': PYTHON_ENV_YAML, 'requirements.txt': '-r requirements.txt' }, /includes itself/],
    ['an unpinned python in conda.yaml', { 'conda.yaml': 'dependencies:\n- python\n- pip:\n  - six\n' }, /conda\.yaml: "python": the python dependency must be pinned/],
    ['a python version that is not one', { 'python_env.yaml': 'python: latest\n' }, /python_env\.yaml: "latest" is not a Python version/],
    ['no environment file at all', {}, /no environment file: expected python_env\.yaml, conda\.yaml or requirements\.txt/],
  ])('refuses %s', async (_what, files, message) => {
    const err = await refusal({ MLmodel: SKLEARN_MLMODEL, ...files });
    expect(err.message).toMatch(message);
  });
});
