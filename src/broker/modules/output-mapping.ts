/**
 * From a model's output names to the names the config gives them. A list names the model's
 * outputs in order (as many names as outputs); a mapping takes each configured name from the
 * model output it names. A config that does not fit the model is an error listing the model's
 * actual outputs, so the fix can be written at once.
 */
import type { ModuleConfig } from '../config/broker-config.js';
import type { OutputValue } from '../enriched-alert.js';

/** The config's outputs do not fit what the model returns. */
export class ModuleOutputError extends Error {
  override readonly name = 'ModuleOutputError';
}

export type OutputMapping = (predictions: Readonly<Record<string, unknown>>) => Record<string, OutputValue>;

export function outputMapping(module: string, outputs: ModuleConfig['outputs'], modelOutputs: readonly string[]): OutputMapping {
  const actual = modelOutputs.length > 0 ? modelOutputs.join(', ') : 'none';
  let pairs: [string, string][];
  if (Array.isArray(outputs)) {
    const names = outputs as readonly string[];
    if (names.length !== modelOutputs.length) {
      throw new ModuleOutputError(
        `module ${module}: outputs names ${names.length} output${names.length === 1 ? '' : 's'} (${names.join(', ')}) but the model returns ${modelOutputs.length}: ${actual}. ` +
          `Name each of them in order, or map names to the ones wanted, e.g. {${names[0]}: ${modelOutputs.at(-1) ?? 'prediction'}}`,
      );
    }
    pairs = names.map((name, i) => [name, modelOutputs[i]!]);
  } else {
    pairs = Object.entries(outputs as Readonly<Record<string, string>>);
    const missing = pairs.filter(([, from]) => !modelOutputs.includes(from)).map(([, from]) => from);
    if (missing.length > 0) {
      throw new ModuleOutputError(`module ${module}: the model has no output ${missing.join(', ')}; its outputs are: ${actual}`);
    }
  }
  return (predictions) => Object.fromEntries(pairs.map(([name, from]) => [name, outputValue(predictions[from])]));
}

function outputValue(value: unknown): OutputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  return JSON.stringify(value);
}
