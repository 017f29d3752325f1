/**
 * A module's `outputs` and `inputs` checked against its model's signature as soon as that model
 * is loaded, so that a name the model does not have ends the run before the first alert is read
 * (and before the other modules finish loading), pointing at where the config wrote it. A model
 * without a signature, or with one that does not tell the names, is checked at its first batch.
 */
import type { ModelSignature, Schema, TensorSpec } from '../../runtime/model-format/ml-model.js';
import { BrokerConfigError } from '../config/broker-config-error.js';
import type { ModuleConfig } from '../config/broker-config.js';
import type { ConfigPosition } from '../config/config-reader.js';
import { didYouMean } from '../config/did-you-mean.js';

export interface LoadedFacts {
  readonly signature?: ModelSignature;
  /** "onnx" or a Python flavor: they name an unnamed output differently. */
  readonly flavor: string;
  /** With a preprocessing step, its features feed the model and `inputs` is not used. */
  readonly preprocessing: boolean;
}

/** Throws on a name the model does not have; returns what could not be checked, for the progress log. */
export function checkModuleSignature(config: ModuleConfig, model: LoadedFacts): string | undefined {
  const outputs = predictionNames(model.signature?.outputs, model.flavor);
  if (outputs) checkOutputs(config, outputs);
  const inputsChecked = model.preprocessing || !config.inputs || checkInputs(config, model.signature?.inputs);
  const unchecked = [...(outputs ? [] : ['outputs']), ...(inputsChecked ? [] : ['inputs'])];
  if (unchecked.length === 0) return undefined;
  const why = model.signature ? `its signature does not name its ${unchecked.join(' or ')}` : 'the model has no signature';
  return `${why}: ${unchecked.join(' and ')} cannot be checked before the first batch is scored`;
}

/**
 * The names the runtime gives the model's outputs (model-runtime.ts, Predictions): a single
 * unnamed output is "prediction" in a Python worker, a 2-D output of k columns becomes
 * `<name>_0` ... `<name>_<k-1>`. Undefined when the signature does not tell them all.
 */
export function predictionNames(outputs: Schema | undefined, flavor: string): string[] | undefined {
  if (!outputs) return undefined;
  const items = outputs.kind === 'columns' ? outputs.columns.map((c) => ({ name: c.name, width: 1 as number | undefined })) : outputs.tensors.map((t) => ({ name: t.name, width: widthOf(t) }));
  if (items.length === 0) return undefined;
  // ONNX Runtime names an output by the graph, which an unnamed spec does not say.
  if (items.some((i) => i.name === undefined) && (items.length > 1 || flavor === 'onnx')) return undefined;
  const names: string[] = [];
  for (const { name = 'prediction', width } of items) {
    if (width === undefined) return undefined;
    names.push(...(width === 1 ? [name] : Array.from({ length: width }, (_, k) => `${name}_${k}`)));
  }
  return names;
}

/** Values per row of a [rows] or [rows, k] tensor; undefined when unknown (-1) or of higher rank. */
function widthOf(tensor: TensorSpec): number | undefined {
  if (tensor.shape.length === 1) return 1;
  const width = tensor.shape[1];
  return tensor.shape.length === 2 && width !== undefined && width > 0 ? width : undefined;
}

function checkOutputs(config: ModuleConfig, actual: readonly string[]): void {
  const theirs = `its outputs (from its signature) are: ${actual.join(', ')}`;
  if (Array.isArray(config.outputs)) {
    const names = config.outputs as readonly string[];
    if (names.length === actual.length) return;
    throw moduleError(
      config,
      config.at?.outputs,
      `outputs names ${names.length} output${names.length === 1 ? '' : 's'} (${names.join(', ')}) but the model returns ${actual.length}; ${theirs}. ` +
        `Name each of them in order, or map names to the ones wanted, e.g. {${names[0]}: ${actual.at(-1)}}`,
    );
  }
  Object.values(config.outputs as Readonly<Record<string, string>>).forEach((from, i) => {
    if (actual.includes(from)) return;
    const guess = didYouMean(from, actual);
    throw moduleError(config, config.at?.outputItems[i], `the model has no output '${from}'${guess ? ` (did you mean '${guess}'?)` : ''}; ${theirs}`);
  });
}

/** True when checked; false when the signature does not tell the inputs. */
function checkInputs(config: ModuleConfig, inputs: Schema | undefined): boolean {
  const given = config.inputs!;
  if (inputs?.kind === 'columns' && inputs.columns.length > 0 && inputs.columns.every((c) => c.name !== undefined)) {
    const names = inputs.columns.map((c) => c.name!);
    const theirs = `its inputs (from its signature) are: ${names.join(', ')}`;
    given.forEach(({ column, field }, i) => {
      if (names.includes(column)) return;
      const guess = didYouMean(column, names);
      const unfilled = names.find((name) => !given.some((g) => g.column === name));
      const fix = `to fill a column from a field named otherwise, write {column: field}, e.g. {${guess ?? unfilled ?? names[0]}: ${field}}`;
      throw moduleError(config, config.at?.inputItems[i], `the model has no input column '${column}'${guess ? ` (did you mean '${guess}'?)` : ''}; ${theirs}; ${fix}`);
    });
    const missing = inputs.columns.filter((c) => c.required && !given.some((g) => g.column === c.name)).map((c) => c.name!);
    if (missing.length > 0) {
      throw moduleError(config, config.at?.inputs, `inputs fills no column for the model's required input${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; ${theirs}`);
    }
    return true;
  }
  const only = inputs?.kind === 'tensors' && inputs.tensors.length === 1 ? inputs.tensors[0]! : undefined;
  const width = only && widthOf(only);
  if (!width) return false;
  if (width !== given.length) {
    throw moduleError(config, config.at?.inputs, `inputs lists ${given.length} field${given.length === 1 ? '' : 's'} but the model takes ${width} value${width === 1 ? '' : 's'} per row (its signature's input tensor has shape [${only.shape.join(', ')}])`);
  }
  return true;
}

/** At the config position when known (file:line:column: key: ...), else naming the module. */
function moduleError(config: ModuleConfig, at: ConfigPosition | undefined, reason: string): Error {
  return at && at.line > 0 ? new BrokerConfigError(at.file, at.line, at.column, at.key, `module ${config.name}: ${reason}`) : new Error(reason);
}
