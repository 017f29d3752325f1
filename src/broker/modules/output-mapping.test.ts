import { describe, expect, it } from 'vitest';
import { outputMapping } from './output-mapping.js';

describe('outputMapping', () => {
  const predictions = { label: 1, probabilities_0: 0.25, probabilities_1: 0.75 };

  it('names the model outputs in order from a list, and picks them by name from a mapping', () => {
    expect(outputMapping('m', ['l', 'p0', 'p1'], Object.keys(predictions))(predictions)).toEqual({ l: 1, p0: 0.25, p1: 0.75 });
    expect(outputMapping('m', { score: 'probabilities_1' }, Object.keys(predictions))(predictions)).toEqual({ score: 0.75 });
    expect(outputMapping('m', { big: 'n' }, ['n'])({ n: 12345678901234567890n })).toEqual({ big: 12345678901234567000 });
  });

  it("lists the model's actual outputs when the config does not fit them", () => {
    expect(() => outputMapping('snia', ['score'], Object.keys(predictions))).toThrow(
      'module snia: outputs names 1 output (score) but the model returns 3: label, probabilities_0, probabilities_1.',
    );
    expect(() => outputMapping('snia', { score: 'proba_1' }, Object.keys(predictions))).toThrow(
      'module snia: the model has no output proba_1; its outputs are: label, probabilities_0, probabilities_1',
    );
  });
});
