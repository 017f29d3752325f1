import { describe, expect, it } from 'vitest';
import { mlflowPredictions, predictionsCsv, predictionsJson } from './predictions-output.js';

describe('predictions as MLflow writes them', () => {
  it('answers a 1-D output as a list, a 2-D one as rows, anything else as records', () => {
    expect(mlflowPredictions({ names: ['prediction'], data: [Float64Array.of(0, 1)] })).toEqual([0, 1]);
    expect(mlflowPredictions({ names: ['prediction_0', 'prediction_1'], data: [Float64Array.of(0.25), Float64Array.of(0.75)] })).toEqual([[0.25, 0.75]]);
    expect(mlflowPredictions({ names: ['y', 'word'], data: [Float64Array.of(2), ['big']] })).toEqual([{ y: 2, word: 'big' }]);
  });

  it("writes NaN as Python's json does", () => {
    expect(predictionsJson({ names: ['prediction'], data: [Float64Array.of(Number.NaN, 0.1)] })).toBe('{"predictions":[NaN,0.1]}');
  });

  it('writes CSV with a header, quoting text when needed', () => {
    expect(predictionsCsv({ names: ['y', 'word'], data: [Float64Array.of(1, Number.NaN), ['a,b', null]] })).toBe('y,word\n1,"a,b"\n,\n');
  });
});
