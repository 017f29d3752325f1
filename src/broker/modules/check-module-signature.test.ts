import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../runtime/load-model.js';
import { parseSignature } from '../../runtime/model-format/signature.js';
import { featureBatch, prepareTestModels, type TestModels } from '../../runtime/testing/test-models.js';
import { BrokerConfigError } from '../config/broker-config-error.js';
import { parseBrokerConfig } from '../config/load-broker-config.js';
import { checkModuleSignature, predictionNames } from './check-module-signature.js';

const FILE = '/srv/broker/broker.yaml';

/** A signature as MLflow writes it in MLmodel: JSON strings of specs. */
const signature = (inputs: unknown[] | undefined, outputs: unknown[] | undefined) =>
  parseSignature('MLmodel', { ...(inputs ? { inputs: JSON.stringify(inputs) } : {}), ...(outputs ? { outputs: JSON.stringify(outputs) } : {}) })!;
const tensor = (dtype: string, shape: number[], name?: string) => ({ type: 'tensor', 'tensor-spec': { dtype, shape }, ...(name ? { name } : {}) });
const column = (name: string, type = 'double') => ({ type, name, required: true });

/** The first module of a config whose module line is `fields` (positions kept as the loader keeps them). */
const moduleOf = (fields: string) => parseBrokerConfig(`modules:\n  - {name: slsn, model: /m, ${fields}}\n`, FILE).modules[0]!;

/** The error checking `fields` against `sig` raises. */
function errorOf(fields: string, sig: ReturnType<typeof signature> | undefined, flavor = 'sklearn'): Error {
  try {
    checkModuleSignature(moduleOf(fields), { signature: sig, flavor, preprocessing: false });
  } catch (err) {
    return err as Error;
  }
  throw new Error('the module was accepted');
}

const CLASSIFIER = signature([column('magpsf'), column('sigmapsf'), column('drb')], [tensor('int64', [-1])]);

describe('predictionNames', () => {
  it('names outputs as the runtime does: one unnamed output is prediction, k columns are name_0 ... name_k-1', () => {
    expect(predictionNames(signature(undefined, [tensor('int64', [-1])]).outputs, 'sklearn')).toEqual(['prediction']);
    expect(predictionNames(signature(undefined, [tensor('float64', [-1, 2])]).outputs, 'sklearn')).toEqual(['prediction_0', 'prediction_1']);
    expect(predictionNames(signature(undefined, [column('next', 'long'), column('dtype', 'string')]).outputs, 'python_function')).toEqual(['next', 'dtype']);
    expect(predictionNames(signature(undefined, [tensor('int64', [-1], 'label'), tensor('float32', [-1, 2], 'probabilities')]).outputs, 'onnx')).toEqual([
      'label',
      'probabilities_0',
      'probabilities_1',
    ]);
    expect(predictionNames(signature(undefined, [tensor('float32', [-1, 1], 'score')]).outputs, 'onnx')).toEqual(['score']);
  });

  it('does not guess what the signature does not tell', () => {
    expect(predictionNames(undefined, 'sklearn')).toBeUndefined();
    expect(predictionNames(signature(undefined, [tensor('float32', [-1, -1])]).outputs, 'sklearn')).toBeUndefined();
    expect(predictionNames(signature(undefined, [tensor('float32', [-1, 3, 3])]).outputs, 'sklearn')).toBeUndefined();
    // ONNX Runtime names an unnamed output by its graph.
    expect(predictionNames(signature(undefined, [tensor('int64', [-1])]).outputs, 'onnx')).toBeUndefined();
    expect(predictionNames(signature(undefined, [{ type: 'double' }, { type: 'double' }]).outputs, 'sklearn')).toBeUndefined();
  });

  describe('against the runtime', () => {
    let models: TestModels;
    beforeAll(async () => {
      models = await prepareTestModels();
    }, 600_000);

    it.each([
      ['sklearn-classifier', (m: TestModels) => featureBatch(m.expected, 3)],
      ['sklearn-proba', (m: TestModels) => featureBatch(m.expected, 3)],
      ['typed', () => ({ columns: ['n'], data: [Float64Array.of(1, 2, 3)], rows: 3 })],
    ])('gives the names a Python worker returns for %s', async (name, batch) => {
      const loaded = await loadModel(`${models.dir}/${name}`, { builder: { build: async () => models.environment } });
      try {
        const predictions = await loaded.runtime.predict(batch(models));
        expect(predictionNames(loaded.signature?.outputs, loaded.flavor)).toEqual(predictions.names);
      } finally {
        await loaded.close();
      }
    }, 120_000);
  });
});

describe('checkModuleSignature', () => {
  it("refuses an output the model does not have, at the config's position, listing the model's outputs", () => {
    const error = errorOf('outputs: {slsn_score: probabilities_1}, inputs: [magpsf, sigmapsf, drb]', CLASSIFIER);
    expect(error).toBeInstanceOf(BrokerConfigError);
    expect(error.message).toBe(
      "/srv/broker/broker.yaml:2:51: modules[0].outputs.slsn_score: module slsn: the model has no output 'probabilities_1'; its outputs (from its signature) are: prediction",
    );
    const proba = signature(undefined, [tensor('float64', [-1, 2])]);
    expect(errorOf('outputs: {slsn_score: predicton_1}', proba).message).toContain("the model has no output 'predicton_1' (did you mean 'prediction_1'?); its outputs");
    expect(errorOf('outputs: [slsn_score]', proba).message).toBe(
      '/srv/broker/broker.yaml:2:38: modules[0].outputs: module slsn: outputs names 1 output (slsn_score) but the model returns 2; its outputs (from its signature) are: prediction_0, prediction_1. ' +
        'Name each of them in order, or map names to the ones wanted, e.g. {slsn_score: prediction_1}',
    );
    expect(checkModuleSignature(moduleOf('outputs: {slsn_score: prediction_1}'), { signature: proba, flavor: 'sklearn', preprocessing: false })).toBeUndefined();
  });

  it("feeds a dotted path to the column of its last part, and refuses a column the model does not have, with the model's inputs", () => {
    const ok = moduleOf('outputs: [s], inputs: [magpsf, candidate.sigmapsf, {drb: candidate.drb}]');
    expect(checkModuleSignature(ok, { signature: CLASSIFIER, flavor: 'sklearn', preprocessing: false })).toBeUndefined();
    expect(errorOf('outputs: [s], inputs: [magpsf, {sigma: candidate.sigmapsf}, drb]', CLASSIFIER).message).toBe(
      "/srv/broker/broker.yaml:2:61: modules[0].inputs[1]: module slsn: the model has no input column 'sigma'; its inputs (from its signature) are: magpsf, sigmapsf, drb; " +
        'to fill a column from a field named otherwise, write {column: field}, e.g. {sigmapsf: candidate.sigmapsf}',
    );
    expect(errorOf('outputs: [s], inputs: [magpsf, sigmapfs, drb]', CLASSIFIER).message).toContain("no input column 'sigmapfs' (did you mean 'sigmapsf'?); its inputs");
    expect(errorOf('outputs: [s], inputs: [magpsf, drb]', CLASSIFIER).message).toBe(
      "/srv/broker/broker.yaml:2:51: modules[0].inputs: module slsn: inputs fills no column for the model's required input sigmapsf; its inputs (from its signature) are: magpsf, sigmapsf, drb",
    );
    const fourWide = signature([tensor('float32', [-1, 4])], [tensor('int64', [-1])]);
    expect(errorOf('outputs: [s], inputs: [magpsf, sigmapsf, drb]', fourWide).message).toContain(
      'modules[0].inputs: module slsn: inputs lists 3 fields but the model takes 4 values per row (its signature\'s input tensor has shape [-1, 4])',
    );
  });

  it('says what it could not check, and leaves inputs to a preprocessing step', () => {
    const config = moduleOf('outputs: {s: probabilities_1}, inputs: [magpsf, sigma]');
    expect(checkModuleSignature(config, { flavor: 'onnx', preprocessing: false })).toBe('the model has no signature: outputs and inputs cannot be checked before the first batch is scored');
    const outputsOnly = signature(undefined, [tensor('float64', [-1, -1])]);
    expect(checkModuleSignature(config, { signature: outputsOnly, flavor: 'sklearn', preprocessing: false })).toBe(
      'its signature does not name its outputs or inputs: outputs and inputs cannot be checked before the first batch is scored',
    );
    expect(checkModuleSignature(moduleOf('outputs: [s], inputs: [not_a_feature]'), { signature: CLASSIFIER, flavor: 'sklearn', preprocessing: true })).toBeUndefined();
  });

  it('names the module without a position when the config was built in code', () => {
    const { at: _, ...config } = moduleOf('outputs: {s: nope}');
    expect(() => checkModuleSignature(config, { signature: CLASSIFIER, flavor: 'sklearn', preprocessing: false })).toThrow(
      /^the model has no output 'nope'; its outputs \(from its signature\) are: prediction$/,
    );
  });
});
