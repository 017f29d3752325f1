import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeModelRuntimeContract } from '../testing/model-runtime-contract.js';
import { featureBatch, prepareTestModels, type TestModels } from '../testing/test-models.js';
import { loadOnnxRuntimeNode } from './onnx-api.js';
import { OnnxModelRuntime } from './onnx-runtime.js';
import { unzipMapOutputs } from './onnx-zipmap.js';

let models: TestModels;
beforeAll(async () => {
  models = await prepareTestModels();
}, 600_000);

const load = (folder: string) => OnnxModelRuntime.load({ name: folder, modelDir: `${models.dir}/${folder}`, dataFile: 'model.onnx' });

function expectSameAsSklearn(names: readonly string[], data: readonly ArrayLike<unknown>[], label: string, proba: string[]) {
  expect(names).toEqual([label, ...proba]);
  expect(Array.from(data[0]!)).toEqual(models.expected.labels);
  proba.forEach((_, k) => {
    const got = data[k + 1] as Float64Array;
    expect(got).toBeInstanceOf(Float64Array);
    let worst = 0;
    got.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - models.expected.proba[i]![k]!))));
    expect(worst).toBeLessThan(1e-5);
  });
}

describe('OnnxModelRuntime', () => {
  it('predicts what the scikit-learn model predicted, probabilities as a tensor (zipmap=False)', async () => {
    const runtime = await load('onnx-classifier');
    try {
      expect(runtime.description).toBe(`onnx ${models.dir}/onnx-classifier/model.onnx`);
      const answer = await runtime.predict(featureBatch(models.expected, 1000));
      expectSameAsSklearn(answer.names, answer.data, 'label', ['probabilities_0', 'probabilities_1']);
      const one = await runtime.predict(featureBatch(models.expected, 1, 17));
      expect(Array.from(one.data[0]!)).toEqual([models.expected.labels[17]]);
    } finally {
      await runtime.close();
    }
  });

  it('serves the ZipMap form too, its probabilities as one column per class', async () => {
    const runtime = await load('onnx-zipmap');
    try {
      expect(runtime.outputs).toEqual(['output_label', 'output_probability']);
      const answer = await runtime.predict(featureBatch(models.expected, 1000));
      expectSameAsSklearn(answer.names, answer.data, 'output_label', ['output_probability_0', 'output_probability_1']);
    } finally {
      await runtime.close();
    }
  });

  it('leaves a model without ZipMap byte for byte as it was', () => {
    const bytes = readFileSync(`${models.dir}/onnx-classifier/model.onnx`);
    const { model, classLabels } = unzipMapOutputs(bytes);
    expect(classLabels.size).toBe(0);
    expect(model).toBe(bytes);
    expect(unzipMapOutputs(readFileSync(`${models.dir}/onnx-zipmap/model.onnx`)).classLabels.get('output_probability')).toEqual([0, 1]);
  });

  it('feeds one column per input, by name, when the model has several inputs', async () => {
    const runtime = await load('onnx-two-inputs');
    try {
      const answer = await runtime.predict({
        columns: ['b', 'unused', 'a'],
        data: [Float64Array.from([0.5, 2, -1]), ['x', 'y', 'z'], [1, 2.25, null]],
        rows: 3,
      });
      expect(answer.names).toEqual(['sum', 'product']);
      expect(Array.from(answer.data[0]!)).toEqual([1.5, 4.25, Number.NaN]);
      expect(Array.from(answer.data[1]!)).toEqual([0.5, 4.5, Number.NaN]);
      await expect(runtime.predict({ columns: ['a'], data: [Float64Array.from([1])], rows: 1 })).rejects.toThrow(
        'model "onnx-two-inputs": the batch has no column for input(s) b',
      );
    } finally {
      await runtime.close();
    }
  });

  it('refuses a batch of the wrong width, a data file outside the model folder, and use after close', async () => {
    const runtime = await load('onnx-classifier');
    await expect(runtime.predict({ columns: ['f0'], data: [Float64Array.from([1])], rows: 1 })).rejects.toThrow(
      'model "onnx-classifier": input "X" takes 4 features per row; the batch has 1 columns',
    );
    await runtime.close();
    await expect(runtime.predict(featureBatch(models.expected, 1))).rejects.toThrow('model "onnx-classifier": the runtime is closed');
    await expect(
      OnnxModelRuntime.load({ name: 'escape', modelDir: `${models.dir}/onnx-classifier`, dataFile: '../onnx-zipmap/model.onnx' }),
    ).rejects.toThrow(/is not inside/);
  });

  it('describes the onnxruntime-node binding structurally (the CPU backend loads)', async () => {
    const ort = await loadOnnxRuntimeNode();
    expect(typeof ort.InferenceSession.create).toBe('function');
    expect(new ort.Tensor('float32', new Float32Array([1, 2]), [1, 2]).dims).toEqual([1, 2]);
  });
});

describeModelRuntimeContract({
  kind: 'onnx',
  labelColumn: 'label',
  open: (m) => OnnxModelRuntime.load({ name: 'onnx-classifier', modelDir: `${m.dir}/onnx-classifier`, dataFile: 'model.onnx' }),
});
