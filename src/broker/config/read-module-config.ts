/** One `modules:` entry of a broker config, checked on its own (cross-module checks are in check-modules.ts). */
import { resolve } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { isModelUri } from '../../runtime/model-source.js';
import type { LabelSource, ModuleConfig } from './broker-config.js';
import { MAX_MODULE_BATCH_SIZE, MAX_TIMEOUT_MS, MAX_WORKERS } from './config-limits.js';
import type { ConfigReader, ConfigValue } from './config-reader.js';
import { readModuleInputs } from './read-module-inputs.js';

const KEYS = ['name', 'model', 'outputs', 'inputs', 'reads', 'preprocessing', 'batch_size', 'timeout', 'workers', 'network', 'shadow', 'labels'];
const DEFAULT_TIMEOUT_MS = 60_000;

/** The module and where each of its parts was written, for the checks that span modules. */
export interface ReadModule {
  readonly config: ModuleConfig;
  readonly at: { readonly name: ConfigValue; readonly outputs: ConfigValue; readonly reads: readonly ConfigValue[]; readonly inputs: readonly ConfigValue[] };
}

export function readModuleConfig(reader: ConfigReader, value: ConfigValue, dir: string, brokerBatchSize: number): ReadModule {
  const entries = reader.mapping(value, KEYS, ['name', 'model', 'outputs']);
  const get = (key: string) => entries.get(key)!;
  const optional = <T>(key: string, read: (v: ConfigValue) => T): T | undefined => (entries.has(key) ? read(get(key)) : undefined);
  const model = reader.string(get('model'));
  const reads = optional('reads', (v) => reader.list(v)) ?? [];
  const inputs = optional('inputs', (v) => readModuleInputs(reader, v));
  const preprocessing = optional('preprocessing', (v) => reader.string(v));
  const outputs = readOutputs(reader, get('outputs'));
  const shadow = optional('shadow', (v) => readShadows(reader, v, model));
  const labels = optional('labels', (v) => readLabels(reader, v, dir));
  const config: ModuleConfig = {
    name: reader.name(get('name')),
    model: isModelUri(model) ? model : resolve(dir, model),
    outputs: outputs.outputs,
    ...(inputs ? { inputs: inputs.inputs } : {}),
    reads: reads.map((v) => reader.name(v)),
    ...(preprocessing ? { preprocessing: resolve(dir, preprocessing) } : {}),
    batchSize: optional('batch_size', (v) => reader.wholeNumber(v, 1, MAX_MODULE_BATCH_SIZE)) ?? brokerBatchSize,
    timeoutMs: optional('timeout', (v) => reader.duration(v, false, MAX_TIMEOUT_MS)) ?? DEFAULT_TIMEOUT_MS,
    workers: optional('workers', (v) => reader.wholeNumber(v, 1, MAX_WORKERS)) ?? 1,
    ...(optional('network', (v) => reader.boolean(v)) ? { network: true } : {}),
    ...(shadow && shadow.length > 0 ? { shadow } : {}),
    ...(labels ? { labels } : {}),
    at: {
      outputs: reader.position(get('outputs')),
      outputItems: outputs.at.map((v) => reader.position(v)),
      ...(inputs ? { inputs: reader.position(get('inputs')) } : {}),
      inputItems: (inputs?.at ?? []).map((v) => reader.position(v)),
    },
  };
  return { config, at: { name: get('name'), outputs: get('outputs'), reads, inputs: inputs?.at ?? [] } };
}

/** A list of names, or a mapping of a name to the model's output it takes; `at`: each item, or each mapping's value. */
function readOutputs(reader: ConfigReader, value: ConfigValue): { outputs: ModuleConfig['outputs']; at: ConfigValue[] } {
  if (isMap(value.node)) {
    const names: string[] = [];
    for (const pair of value.node.items) names.push(String((pair.key as { value?: unknown })?.value ?? pair.key));
    const entries = reader.mapping(value, names);
    const mapping: Record<string, string> = {};
    for (const [name, entry] of entries) {
      reader.name({ key: entry.key, node: entry.parent ?? null });
      mapping[name] = reader.string(entry);
    }
    if (names.length === 0) throw reader.error(value, 'expected at least one output');
    return { outputs: mapping, at: [...entries.values()] };
  }
  const items = reader.list(value);
  if (items.length === 0) throw reader.error(value, 'expected at least one output name');
  const names = items.map((item) => reader.name(item));
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) throw reader.error(items[i]!, `output '${name}' is named twice`);
  });
  return { outputs: names, at: items };
}

/** Aliases of the module's registered model: each scores every alert as a shadow. */
function readShadows(reader: ConfigReader, value: ConfigValue, model: string): string[] {
  const registered = /^models:\/([^/@]+)(?:@([^/]+)|\/\d+)$/.exec(model);
  if (!registered) throw reader.error(value, `shadow aliases need a registered model (models:/name@alias or models:/name/3); the module's model is ${model}`);
  const own = registered[2];
  const items = reader.list(value);
  const aliases = items.map((item) => {
    const alias = reader.string(item);
    if (!/^[\w-]+$/.test(alias) || alias.toLowerCase() === 'latest') throw reader.error(item, `'${alias}' is not an alias name: letters, digits, _ and - (e.g. challenger)`);
    if (alias === own) throw reader.error(item, `'${alias}' is the alias the module itself follows: a shadow names another one (e.g. challenger)`);
    return alias;
  });
  aliases.forEach((alias, i) => {
    if (aliases.indexOf(alias) !== i) throw reader.error(items[i]!, `shadow '${alias}' is named twice`);
  });
  return aliases;
}

/** `{file: labels.jsonl, positive: snia}` or `{field: is_snia, positive: "true"}`. */
function readLabels(reader: ConfigReader, value: ConfigValue, dir: string): LabelSource {
  const entries = reader.mapping(value, ['file', 'field', 'positive'], ['positive']);
  const positiveAt = entries.get('positive')!;
  // `positive: true` or `positive: 1` for a field holding a flag: compared as text.
  const scalar = isScalar(positiveAt.node) ? positiveAt.node.value : undefined;
  const positive = typeof scalar === 'boolean' || typeof scalar === 'number' ? String(scalar) : reader.string(positiveAt);
  const file = entries.get('file');
  const field = entries.get('field');
  if (file && field) throw reader.error(field, 'labels come from a file or from a field, not both');
  if (file) return { file: resolve(dir, reader.string(file)), positive };
  if (field) return { field: reader.string(field), positive };
  throw reader.error(value, 'labels need a file (as `aviary simulate` writes) or a field: e.g. {file: night/_labels.jsonl, positive: snia}');
}
