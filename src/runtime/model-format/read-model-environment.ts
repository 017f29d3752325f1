/**
 * The Python environment a model needs, read as MLflow's virtualenv manager reads it:
 * python_env.yaml first; without it conda.yaml (its python pin, its pip/setuptools/wheel pins as
 * build dependencies, requirements.txt or else its `pip:` list); without either, requirements.txt
 * with the MLmodel's python_version.
 */
import { join, relative, resolve, sep } from 'node:path';
import type { EnvironmentSpec } from '../environment-builder.js';
import type { MlModel, PythonFunctionFlavor } from './ml-model.js';
import { ModelFormatError } from './model-format-error.js';
import { expandRequirements } from './requirements-file.js';
import { isRecord, readTextFile, readYamlFile, type YamlFile } from './yaml-file.js';

export interface ModelEnvironment {
  readonly spec: EnvironmentSpec;
  /** The file the spec came from (python_env.yaml, conda.yaml or requirements.txt). */
  readonly source: string;
  /** What the environment will not have, e.g. conda-only packages. */
  readonly warnings: readonly string[];
}

const REQUIREMENTS_FILE = 'requirements.txt';
const CONDA_DEPENDENCY = /^(python|pip|setuptools|wheel)(==|<=|>=|!=|=|<|>)?([\d.]+)?$/;

/** Undefined for a model without a python_function flavor (an ONNX model runs in-process). */
export async function readModelEnvironment(model: MlModel): Promise<ModelEnvironment | undefined> {
  const pyfunc = model.pythonFunction;
  if (!pyfunc) return undefined;
  const venvPath = modelFile(model, pyfunc.env.virtualenv ?? 'python_env.yaml');
  const condaPath = modelFile(model, pyfunc.env.conda ?? 'conda.yaml');
  const requirementsPath = join(model.dir, REQUIREMENTS_FILE);

  const venv = await readYamlFile(venvPath);
  if (venv) return fromPythonEnv(venv, model, pyfunc);
  const conda = await readYamlFile(condaPath);
  const hasRequirements = (await readTextFile(requirementsPath)) !== undefined;
  if (conda) {
    const deps = condaDependencies(conda);
    const python = checkedPython(condaPath, deps.python ?? pyfunc.pythonVersion);
    const pip = hasRequirements ? [`-r ${REQUIREMENTS_FILE}`] : deps.pip;
    const expanded = await expandRequirements([...deps.build, ...pip], condaPath, model.dir);
    return { spec: specOf(python, expanded), source: condaPath, warnings: deps.warnings };
  }
  if (hasRequirements) {
    const python = checkedPython(join(model.dir, 'MLmodel'), pyfunc.pythonVersion);
    const expanded = await expandRequirements([`-r ${REQUIREMENTS_FILE}`], join(model.dir, 'MLmodel'), model.dir);
    return { spec: specOf(python, expanded), source: requirementsPath, warnings: [] };
  }
  throw new ModelFormatError(model.dir, `no environment file: expected ${relative(model.dir, venvPath)}, ${relative(model.dir, condaPath)} or ${REQUIREMENTS_FILE}`);
}

async function fromPythonEnv(yaml: YamlFile, model: MlModel, pyfunc: PythonFunctionFlavor): Promise<ModelEnvironment> {
  const file = yaml.path;
  if (!isRecord(yaml.value)) throw new ModelFormatError(file, 'must be a mapping with python, build_dependencies and dependencies');
  const python = checkedPython(file, yaml.scalarText('python') ?? pyfunc.pythonVersion);
  const lines = [...stringList(file, 'build_dependencies', yaml.value.build_dependencies), ...stringList(file, 'dependencies', yaml.value.dependencies)];
  return { spec: specOf(python, await expandRequirements(lines, file, model.dir)), source: file, warnings: [] };
}

function condaDependencies(yaml: YamlFile): { python?: string; build: string[]; pip: string[]; warnings: string[] } {
  const file = yaml.path;
  if (!isRecord(yaml.value)) throw new ModelFormatError(file, 'must be a mapping with a dependencies list');
  const out: { python?: string; build: string[]; pip: string[]; warnings: string[] } = { build: [], pip: [], warnings: [] };
  const condaOnly: string[] = [];
  for (const dep of listOf(file, 'dependencies', yaml.value.dependencies)) {
    if (isRecord(dep) && 'pip' in dep) {
      out.pip = stringList(file, 'dependencies.pip', dep.pip);
      continue;
    }
    if (typeof dep !== 'string') throw new ModelFormatError(file, `invalid dependency ${JSON.stringify(dep)}: must be a string or {pip: [...]}`);
    const match = CONDA_DEPENDENCY.exec(dep.replace(/\s+/g, ''));
    if (!match) {
      condaOnly.push(dep);
      continue;
    }
    const [, name, operator, version] = match;
    if (name === 'python') {
      if (out.python) continue;
      if (!operator || !version) throw new ModelFormatError(file, `"${dep}": the python dependency must be pinned (e.g. python=3.11.7)`);
      if (['<', '>', '!='].includes(operator)) throw new ModelFormatError(file, `"${dep}": python must be pinned with =, ==, <= or >=`);
      out.python = version;
    } else {
      out.build.push(`${name}${operator === '=' ? '==' : (operator ?? '')}${version ?? ''}`);
    }
  }
  if (condaOnly.length > 0) out.warnings.push(`${file}: conda packages a virtualenv cannot install are left out: ${condaOnly.join(', ')}`);
  return out;
}

function checkedPython(file: string, version: string | undefined): string {
  if (!version) throw new ModelFormatError(file, 'names no Python version (e.g. python: 3.11.7)');
  if (!/^\d+\.\d+(\.\d+)?([a-z0-9.+-]*)$/i.test(version)) throw new ModelFormatError(file, `"${version}" is not a Python version`);
  return version;
}

function specOf(python: string, requirements: { requirements: string[]; constraints: string[] }): EnvironmentSpec {
  return {
    python,
    requirements: requirements.requirements,
    ...(requirements.constraints.length > 0 ? { constraints: requirements.constraints } : {}),
  };
}

function listOf(file: string, field: string, value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ModelFormatError(file, `${field} must be a list`);
  return value;
}

function stringList(file: string, field: string, value: unknown): string[] {
  return listOf(file, field, value).map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number') return String(item);
    throw new ModelFormatError(file, `${field} must be a list of strings, found ${JSON.stringify(item)}`);
  });
}

/** A file the MLmodel names, which must lie inside the model folder. */
function modelFile(model: MlModel, name: string): string {
  const path = resolve(model.dir, name);
  if (!path.startsWith(model.dir + sep)) throw new ModelFormatError(join(model.dir, 'MLmodel'), `names an environment file outside the model folder: ${name}`);
  return path;
}
