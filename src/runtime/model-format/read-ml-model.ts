/** Reads a model folder's `MLmodel` file into an `MlModel`. */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import type { FlavorConfig, InputExampleInfo, MlModel, OnnxFlavor, OnnxProvider, PythonFunctionFlavor } from './ml-model.js';
import { ModelFormatError } from './model-format-error.js';
import { parseSignature } from './signature.js';
import { isRecord, optionalString, readYamlFile, type YamlFile } from './yaml-file.js';

export const MLMODEL_FILE = 'MLmodel';

/**
 * Throws a `ModelFormatError` naming the file for a missing folder or MLmodel, invalid YAML, a
 * malformed flavor or signature, and a model Aviary cannot run (neither python_function nor onnx).
 */
export async function readMlModel(folder: string): Promise<MlModel> {
  const dir = resolve(folder);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ModelFormatError(dir, 'no such model folder');
  const file = join(dir, MLMODEL_FILE);
  const yaml = await readYamlFile(file);
  if (!yaml) throw new ModelFormatError(file, 'not found: the folder holds no MLflow model (an MLmodel file is expected)');
  const top = yaml.value;
  if (!isRecord(top)) throw new ModelFormatError(file, 'must be a YAML mapping');
  if (!isRecord(top.flavors)) throw new ModelFormatError(file, 'has no "flavors" mapping');

  const flavors: Record<string, FlavorConfig> = {};
  for (const [name, config] of Object.entries(top.flavors)) flavors[name] = isRecord(config) ? config : {};
  const pyfuncConfig = flavors.python_function;
  const onnxConfig = flavors.onnx;
  const pythonFunction = pyfuncConfig ? pythonFunctionFlavor(yaml, pyfuncConfig) : undefined;
  const onnx = onnxConfig ? onnxFlavor(file, onnxConfig) : undefined;
  // Aviary opens these itself: a model from the registry must not point it at other files.
  insideModel(file, 'flavors.onnx.data', onnx?.data);
  insideModel(file, 'flavors.python_function data', pythonFunction?.data);
  if (!pythonFunction && !onnx) {
    const names = Object.keys(flavors).join(', ') || 'none';
    throw new ModelFormatError(file, `the model has neither a python_function nor an onnx flavor (flavors: ${names}), so Aviary cannot run it`);
  }
  const str = (field: string) => optionalString(file, field, top[field]);
  return {
    dir,
    flavors,
    pythonFunction,
    onnx,
    signature: parseSignature(file, top.signature),
    inputExample: insideModel(file, 'saved_input_example_info.artifact_path', inputExampleInfo(file, top.saved_input_example_info)),
    modelId: str('model_id'),
    runId: str('run_id'),
    artifactPath: str('artifact_path'),
    mlflowVersion: str('mlflow_version'),
    modelUuid: str('model_uuid'),
    utcTimeCreated: str('utc_time_created'),
    metadata: isRecord(top.metadata) ? top.metadata : undefined,
  };
}

function pythonFunctionFlavor(yaml: YamlFile, config: FlavorConfig): PythonFunctionFlavor {
  const file = yaml.path;
  const field = (name: string) => optionalString(file, `flavors.python_function.${name}`, config[name]);
  const loaderModule = field('loader_module');
  if (!loaderModule) throw new ModelFormatError(file, 'flavors.python_function has no loader_module');
  // MLflow >= 2.0 writes {conda: conda.yaml, virtualenv: python_env.yaml}; older models a conda file name.
  const env = config.env;
  let envFiles: PythonFunctionFlavor['env'] = {};
  if (typeof env === 'string') envFiles = { conda: env };
  else if (isRecord(env)) {
    envFiles = {
      conda: optionalString(file, 'flavors.python_function.env.conda', env.conda),
      virtualenv: optionalString(file, 'flavors.python_function.env.virtualenv', env.virtualenv),
    };
  } else if (env !== undefined && env !== null) {
    throw new ModelFormatError(file, 'flavors.python_function.env must name the environment files');
  }
  return {
    loaderModule,
    pythonVersion: yaml.scalarText('flavors', 'python_function', 'python_version'),
    env: envFiles,
    data: field('model_path') ?? field('data'),
    code: field('code'),
  };
}

function onnxFlavor(file: string, config: FlavorConfig): OnnxFlavor {
  const data = optionalString(file, 'flavors.onnx.data', config.data);
  if (!data) throw new ModelFormatError(file, 'flavors.onnx has no "data" (the .onnx file)');
  const providers = config.providers;
  let list: OnnxProvider[] | undefined;
  if (typeof providers === 'string') list = [{ name: providers }];
  else if (Array.isArray(providers) && providers.length > 0) list = providers.map((p, i) => onnxProvider(file, i, p));
  return {
    data,
    onnxVersion: optionalString(file, 'flavors.onnx.onnx_version', config.onnx_version),
    providers: list,
    sessionOptions: isRecord(config.onnx_session_options) ? config.onnx_session_options : undefined,
  };
}

function onnxProvider(file: string, index: number, entry: unknown): OnnxProvider {
  if (typeof entry === 'string') return { name: entry };
  if (Array.isArray(entry) && typeof entry[0] === 'string' && (entry[1] === undefined || isRecord(entry[1]))) {
    return entry[1] ? { name: entry[0], options: entry[1] } : { name: entry[0] };
  }
  throw new ModelFormatError(file, `flavors.onnx.providers[${index}] must be a provider name or [name, {options}]`);
}

function inputExampleInfo(file: string, value: unknown): InputExampleInfo | undefined {
  if (!isRecord(value)) return undefined;
  const field = (name: string) => optionalString(file, `saved_input_example_info.${name}`, value[name]);
  const artifactPath = field('artifact_path');
  if (!artifactPath) return undefined;
  return {
    artifactPath,
    type: field('type') ?? 'unknown',
    servingInputPath: field('serving_input_path'),
    pandasOrient: field('pandas_orient'),
  };
}

/** Refuses a path that leaves the model folder; passes `value` through. */
function insideModel<T extends string | { artifactPath: string } | undefined>(file: string, field: string, value: T): T {
  const path = typeof value === 'string' ? value : value?.artifactPath;
  if (path !== undefined && (isAbsolute(path) || normalize(path).split(sep)[0] === '..')) {
    throw new ModelFormatError(file, `${field} must be a path inside the model folder, not ${path}`);
  }
  return value;
}
