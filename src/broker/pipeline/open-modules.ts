/**
 * The run's science modules, loaded side by side (environments build while others start), and
 * the alias followers of those that name `models:/name@alias`. If one module cannot load, the
 * others are closed without waiting for them to finish loading, and the error names the module.
 */
import type { Logger } from '../../common/logger.js';
import type { EnvironmentBuilder } from '../../runtime/environment-builder.js';
import type { LoadStage } from '../../runtime/load-model.js';
import type { Sandbox } from '../../runtime/sandbox/sandbox.js';
import type { BrokerConfig, ModuleConfig } from '../config/broker-config.js';
import { BrokerConfigError } from '../config/broker-config-error.js';
import { AliasFollower } from '../modules/alias-follower.js';
import { ModelModule } from '../modules/model-module.js';
import { aliasOf } from '../modules/science-module.js';
import type { ModuleStatus } from '../store/alert-store.js';
import type { BrokerRunOptions } from './broker-run.js';

export interface OpenModules {
  /** In the config's order. */
  readonly modules: readonly ModelModule[];
  readonly followers: readonly AliasFollower[];
  close(): Promise<void>;
}

export interface OpenModulesOptions {
  readonly config: BrokerConfig;
  readonly aviary?: BrokerRunOptions['aviary'];
  readonly builder: EnvironmentBuilder;
  readonly sandbox?: Sandbox;
  readonly logger: Logger;
  readonly progress?: (message: string) => void;
  /** Called as each module is ready. */
  readonly onLoaded?: (module: ModelModule) => void;
  /** Called as a module's loading moves on: building its environment, or loading otherwise. */
  readonly onLoading?: (module: string, state: Extract<ModuleStatus['state'], 'loading' | 'building-environment'>) => void;
}

export async function openModules(options: OpenModulesOptions): Promise<OpenModules> {
  const { config, aviary, builder, logger, progress } = options;
  const loadOptions = { aviary, builder, logger, ...(options.sandbox ? { sandbox: options.sandbox } : {}), ...(progress ? { progress } : {}) };
  // The first module that cannot load (or whose config does not fit its model) fails the run at
  // once: those loaded are closed now, those still loading as soon as they are ready.
  let failed = false;
  const ready: ModelModule[] = [];
  const loads = config.modules.map(async (m) => {
    let module: ModelModule;
    try {
      const onStage = (stage: LoadStage) => options.onLoading?.(m.name, stage === 'environment' ? 'building-environment' : 'loading');
      module = await ModelModule.load(m, { ...loadOptions, onStage });
    } catch (err) {
      if (err instanceof BrokerConfigError) throw err; // it names the module and where the config wrote the mistake
      throw new Error(`module ${m.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (failed) await module.close();
    else {
      ready.push(module);
      options.onLoaded?.(module);
    }
    return module;
  });
  let modules: ModelModule[];
  try {
    modules = await Promise.all(loads);
  } catch (err) {
    failed = true;
    await Promise.allSettled(ready.map((m) => m.close()));
    throw err;
  }
  const followers =
    aviary && config.followRegistryMs > 0
      ? modules
          .filter((m) => aliasOf(m.config.model))
          .map(
            (m) =>
              new AliasFollower(m, {
                registry: aviary.registry,
                intervalMs: config.followRegistryMs,
                load: (uri) => ModelModule.loadModel(m.config, { ...loadOptions, progress: undefined }, uri),
                logger,
              }),
          )
      : [];
  return {
    modules,
    followers,
    close: async () => {
      await Promise.allSettled(followers.map((f) => f.stop()));
      await Promise.allSettled(modules.map((m) => m.close()));
    },
  };
}

/** A module's status before its model is loaded: loading, or building its environment. */
export function loadingStatus(m: ModuleConfig, state: ModuleStatus['state'] = 'loading'): ModuleStatus {
  const alias = aliasOf(m.model);
  return { name: m.name, model: m.model, modelName: alias?.name ?? m.model, version: null, ...(alias ? { alias: alias.alias } : {}), state, scored: 0, deadLettered: 0 };
}
