/**
 * What a comparison needs to know of a module: its registered model, the alias it follows, its
 * shadow aliases and where its labels are. Read from the latest broker run that had the module
 * (the alert store's run statuses), or from a broker config when one is given.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import { parseModelUri } from '../../registry/model-uri.js';
import type { BrokerConfig, LabelSource } from '../config/broker-config.js';
import type { AlertStore } from '../store/alert-store.js';

export interface ComparedModule {
  readonly name: string;
  readonly modelName: string;
  /** The alias the module follows, or null (a fixed version or a folder). */
  readonly alias: string | null;
  readonly shadows: readonly string[];
  readonly labels?: LabelSource;
}

/** Broker runs looked through for the module, newest first. */
const RUNS_SEARCHED = 200;

/** RESOURCE_DOES_NOT_EXIST naming the modules known when no run had it. */
export async function comparedModuleFromRuns(store: AlertStore, name: string): Promise<ComparedModule> {
  const runs = await store.runStatuses(RUNS_SEARCHED);
  const known = new Set<string>();
  for (const run of runs) {
    const status = run.modules.find((m) => m.name === name);
    if (status) {
      return {
        name,
        modelName: status.modelName,
        alias: status.alias ?? null,
        shadows: (status.shadows ?? []).map((s) => s.alias),
        ...(status.labels && { labels: status.labels }),
      };
    }
    for (const m of run.modules) known.add(m.name);
  }
  if (runs.length === 0) throw MlflowError.notFound(`unknown module '${name}': no broker run is stored yet (run \`aviary broker run\` first, or give the broker config)`);
  throw unknownModule(name, [...known], 'the stored broker runs have');
}

/** RESOURCE_DOES_NOT_EXIST naming the config's modules when it has no such module. */
export function comparedModuleFromConfig(config: BrokerConfig, file: string, name: string): ComparedModule {
  const module = config.modules.find((m) => m.name === name);
  if (!module) throw unknownModule(name, config.modules.map((m) => m.name), `${file} has`);
  const uri = module.model.startsWith('models:') ? parseModelUri(module.model) : undefined;
  const modelName = uri && 'name' in uri ? uri.name : module.model;
  return {
    name,
    modelName,
    alias: uri?.kind === 'alias' ? uri.alias : null,
    shadows: module.shadow ?? [],
    ...(module.labels && { labels: module.labels }),
  };
}

function unknownModule(name: string, known: readonly string[], where: string): MlflowError {
  return MlflowError.notFound(`unknown module '${name}': ${where} ${known.length === 0 ? 'no module' : `modules ${known.join(', ')}`}`);
}
