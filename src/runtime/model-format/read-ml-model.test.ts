import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from './model-format-error.js';
import { LOGGED_MLMODEL, modelFolder, ONNX_MLMODEL, removeModelFolders, SKLEARN_MLMODEL, sklearnModelFiles } from './model-test-fixtures.js';
import { readMlModel } from './read-ml-model.js';

async function refusal(dir: string): Promise<ModelFormatError> {
  const err = await readMlModel(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFormatError);
  return err as ModelFormatError;
}

describe('readMlModel', () => {
  afterAll(removeModelFolders);

  it('reads a saved sklearn model: pyfunc flavor, column signature, input example', async () => {
    const dir = await modelFolder(sklearnModelFiles());
    const model = await readMlModel(dir);
    expect(model.dir).toBe(dir);
    expect(Object.keys(model.flavors)).toEqual(['python_function', 'sklearn']);
    expect(model.flavors.sklearn).toMatchObject({ sklearn_version: '1.9.1', serialization_format: 'skops' });
    expect(model.pythonFunction).toEqual({
      loaderModule: 'mlflow.sklearn',
      pythonVersion: '3.11.7',
      env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
      data: 'model.skops',
      code: undefined,
    });
    expect(model.onnx).toBeUndefined();
    expect(model.signature?.inputs).toEqual({
      kind: 'columns',
      columns: [
        { name: 'x', type: 'double', required: true, raw: { type: 'double', name: 'x', required: true } },
        { name: 'y', type: 'double', required: true, raw: { type: 'double', name: 'y', required: true } },
      ],
    });
    expect(model.signature?.outputs).toEqual({ kind: 'tensors', tensors: [{ dtype: 'int64', shape: [-1] }] });
    expect(model.signature?.params).toBeUndefined();
    expect(model.inputExample).toEqual({ artifactPath: 'input_example.json', type: 'dataframe', servingInputPath: 'serving_input_example.json', pandasOrient: 'split' });
    expect(model).toMatchObject({ mlflowVersion: '3.17.2', modelUuid: '1dc3966dcb26422ca47b5f8be19e9751', utcTimeCreated: '2026-11-26 13:02:15.383592' });
    expect(model.modelId).toBeUndefined();
    expect(model.runId).toBeUndefined();
  });

  it('reads a logged model: tensor inputs, params, model and run ids, artifact path', async () => {
    const model = await readMlModel(await modelFolder({ MLmodel: LOGGED_MLMODEL }));
    expect(model.signature?.inputs).toEqual({ kind: 'tensors', tensors: [{ dtype: 'float32', shape: [-1, 4] }] });
    expect(model.signature?.params).toEqual([{ name: 'threshold', type: 'double', default: 0.5 }]);
    expect(model.modelId).toBe('m-07e4ca287e294cbbbddcef05f656041c');
    expect(model.runId).toBe('22fbc6aabb0f4e079a733c53b9261dd4');
    expect(model.artifactPath).toBe('/tmp/mlx/mlruns/0/models/m-07e4ca287e294cbbbddcef05f656041c/artifacts');
  });

  it('reads an ONNX model: data file, version and providers, alongside its pyfunc flavor', async () => {
    const model = await readMlModel(await modelFolder({ MLmodel: ONNX_MLMODEL }));
    expect(model.onnx).toEqual({
      data: 'model.onnx',
      onnxVersion: '1.23.2',
      providers: [{ name: 'CUDAExecutionProvider' }, { name: 'CPUExecutionProvider' }],
      sessionOptions: undefined,
    });
    expect(model.pythonFunction?.loaderModule).toBe('mlflow.onnx');
    expect(model.signature).toBeUndefined();
  });

  it('reads an ONNX-only model, providers given with options', async () => {
    const mlmodel = `flavors:
  onnx:
    data: model.onnx
    providers:
    - - CUDAExecutionProvider
      - device_id: 0
    - CPUExecutionProvider
    onnx_session_options:
      intra_op_num_threads: 1
`;
    const model = await readMlModel(await modelFolder({ MLmodel: mlmodel }));
    expect(model.pythonFunction).toBeUndefined();
    expect(model.onnx?.providers).toEqual([{ name: 'CUDAExecutionProvider', options: { device_id: 0 } }, { name: 'CPUExecutionProvider' }]);
    expect(model.onnx?.sessionOptions).toEqual({ intra_op_num_threads: 1 });
  });

  it('keeps a python_version as written ("3.10", not the number 3.1)', async () => {
    const mlmodel = 'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    python_version: 3.10\n';
    const model = await readMlModel(await modelFolder({ MLmodel: mlmodel }));
    expect(model.pythonFunction?.pythonVersion).toBe('3.10');
  });

  it('reads the conda file name an MLflow < 2 model gives as `env`', async () => {
    const mlmodel = 'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    env: conda.yaml\n';
    const model = await readMlModel(await modelFolder({ MLmodel: mlmodel }));
    expect(model.pythonFunction?.env).toEqual({ conda: 'conda.yaml' });
  });

  it.each([
    ['a missing folder', null, /no such model folder/],
    ['a folder without MLmodel', {}, /MLmodel: not found: the folder holds no MLflow model/],
    ['invalid YAML', { MLmodel: 'flavors:\n  python_function: [\n' }, /MLmodel: invalid YAML/],
    ['no flavors', { MLmodel: 'mlflow_version: 3.17.2\n' }, /MLmodel: has no "flavors" mapping/],
    ['neither python_function nor onnx', { MLmodel: 'flavors:\n  sklearn:\n    pickled_model: model.pkl\n' }, /neither a python_function nor an onnx flavor \(flavors: sklearn\)/],
    ['a pyfunc flavor without loader_module', { MLmodel: 'flavors:\n  python_function:\n    python_version: 3.11.7\n' }, /flavors.python_function has no loader_module/],
    ['an onnx flavor without data', { MLmodel: 'flavors:\n  onnx:\n    onnx_version: 1.17.0\n' }, /flavors.onnx has no "data"/],
    ['a signature that is not JSON', { MLmodel: `${ONNX_MLMODEL}signature:\n  inputs: '[{"type": '\n` }, /signature.inputs is not valid JSON/],
    [
      'a signature mixing tensors and columns',
      { MLmodel: `${ONNX_MLMODEL}signature:\n  inputs: '[{"type": "double", "name": "x"}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]'\n` },
      /signature.inputs mixes tensor and column specs/,
    ],
    ['an onnx file outside the model', { MLmodel: 'flavors:\n  onnx:\n    data: ../../etc/model.onnx\n' }, /flavors.onnx.data must be a path inside the model folder/],
    ['a tensor spec without dtype', { MLmodel: `${ONNX_MLMODEL}signature:\n  inputs: '[{"type": "tensor", "tensor-spec": {"shape": [-1]}}]'\n` }, /signature.inputs\[0\] needs a "tensor-spec" with a dtype/],
  ])('refuses %s, naming the file', async (_what, files, message) => {
    const dir = files === null ? join(await modelFolder({}), 'absent') : await modelFolder(files);
    const err = await refusal(dir);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(err.file)).toBe(true);
    expect(err.file.startsWith(dir)).toBe(true);
  });

  it('refuses an MLmodel that is a folder', async () => {
    const dir = await modelFolder({});
    await mkdir(join(dir, 'MLmodel'));
    expect((await refusal(dir)).message).toBe(`${join(dir, 'MLmodel')}: is a folder, not a file`);
  });

  it('keeps a signature-less sklearn model readable', async () => {
    const text = SKLEARN_MLMODEL.replace(/signature:[\s\S]*?type_hint_from_example/, 'type_hint_from_example');
    expect((await readMlModel(await modelFolder({ MLmodel: text }))).signature).toBeUndefined();
  });
});
