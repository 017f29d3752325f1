/**
 * What every ModelRuntime must do, as one set of cases each implementation's test file runs
 * against the same scikit-learn classifier (make_models.py).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRuntime } from '../model-runtime.js';
import { featureBatch, prepareTestModels, type TestModels } from './test-models.js';

export interface ContractSubject {
  /** "python-worker" or "onnx": how the description starts. */
  readonly kind: string;
  /** The output holding the predicted class. */
  readonly labelColumn: string;
  open(models: TestModels): Promise<ModelRuntime>;
}

export function describeModelRuntimeContract(subject: ContractSubject): void {
  describe(`ModelRuntime contract: ${subject.kind}`, () => {
    let models: TestModels;
    let runtime: ModelRuntime;
    const labels = async (rows: number, start = 0) => {
      const answer = await runtime.predict(featureBatch(models.expected, rows, start));
      return Array.from(answer.data[answer.names.indexOf(subject.labelColumn)]!);
    };

    beforeAll(async () => {
      models = await prepareTestModels();
      runtime = await subject.open(models);
    }, 600_000);
    afterAll(() => runtime?.close());

    it('says what runs', () => {
      expect(runtime.description.startsWith(`${subject.kind} `)).toBe(true);
    });

    it('predicts the classes the model predicted in Python, for 1 and 1000 rows', async () => {
      expect(await labels(1, 3)).toEqual(models.expected.labels.slice(3, 4));
      expect(await labels(1000)).toEqual(models.expected.labels);
    });

    it('answers concurrent batches, each with its own rows', async () => {
      const starts = [0, 100, 200, 300, 400, 500, 600, 700];
      const answers = await Promise.all(starts.map((start) => labels(50, start)));
      answers.forEach((answer, i) => expect(answer).toEqual(models.expected.labels.slice(starts[i], starts[i]! + 50)));
    }, 60_000);

    it('answers an empty batch with no outputs, and refuses a ragged one', async () => {
      expect(await runtime.predict({ columns: ['f0'], data: [new Float64Array(0)], rows: 0 })).toEqual({ names: [], data: [] });
      await expect(
        runtime.predict({ columns: ['f0', 'f1'], data: [Float64Array.from([1, 2]), Float64Array.from([1])], rows: 2 }),
      ).rejects.toThrow('column "f1" has 1 values for 2 rows');
    });

    it('refuses batches once closed, and closes twice without harm', async () => {
      await runtime.close();
      await runtime.close();
      await expect(runtime.predict(featureBatch(models.expected, 1))).rejects.toThrow(/closed/);
    });
  });
}
