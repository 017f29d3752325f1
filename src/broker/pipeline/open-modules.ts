/**
 * The run's science modules, loaded side by side (environments build while others start), the
 * alias followers of those that name `models:/name@alias` (each move checked on recent alerts
 * before it scores, its loading stages in the log), and the modules' shadow aliases, loading
 * beside them. If one module cannot load, the others are closed without waiting for them to
 * finish loading, and the error names the module; a shadow that cannot load only says so.
 */
import type { Logger } from '../../common/logger.js';
import type { EnvironmentBuilder } from '../../runtime/environment-builder.js';
import type { LoadStage } from '../../runtime/load-model.js';
import type { Sandbox } from '../../runtime/sandbox/sandbox.js';
import { SpareWorkers } from '../../runtime/worker/spare-workers.js';
import type { BrokerConfig, ModuleConfig } from '../config/broker-config.js';
import { BrokerConfigError } from '../config/broker-config-error.js';
import { AliasFollower } from '../modules/alias-follower.js';
import { ModelModule, type ModuleLoadOptions } from '../modules/model-module.js';
import { aliasOf } from '../modules/science-module.js';
import { ShadowModule } from '../modules/shadow-module.js';
import { swapCheck } from '../modules/swap-check.js';
import type { ModuleStatus } from '../store/alert-store.js';
import type { BrokerRunOptions } from './broker-run.js';
import type { RecentAlert } from './recent-alerts.js';

export interface OpenModules {
  /** In the config's order. */
  readonly modules: readonly ModelModule[];
  /** By module name, in the config's order. */
  readonly shadows: ReadonlyMap<string, readonly ShadowModule[]>;
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
  /** What a followed alias's new version is checked on before it scores; absent: no check. */
  readonly recentAlerts?: () => Promise<readonly RecentAlert[]>;
}

export async function openModules(options: OpenModulesOptions): Promise<OpenModules> {
  const { config, aviary, builder, logger, progress } = options;
  // A run that follows aliases keeps one spare worker per environment in use (MLflow imported):
  // a new version's worker then costs its model's load alone.
  const follows = aviary !== undefined && config.modules.some((m) => (config.followRegistryMs > 0 && aliasOf(m.model)) || (m.shadow?.length ?? 0) > 0);
  const spares = follows ? new SpareWorkers(logger) : undefined;
  const loadOptions = { aviary, builder, logger, ...(spares ? { spares } : {}), ...(options.sandbox ? { sandbox: options.sandbox } : {}), ...(progress ? { progress } : {}) };
  // The first module that cannot load (or whose config does not fit its model) fails the run at
  // once: those loaded are closed now, those still loading as soon as they are ready.
  let failed = false;
  const shadows = openShadows(options, loadOptions);
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
    // A shadow's first version loads beside the modules; the run starts once each is loaded or failed.
    await shadows.loaded;
  } catch (err) {
    failed = true;
    await Promise.allSettled([...ready.map((m) => m.close()), ...shadows.followers.map((f) => f.stop()), ...[...shadows.byModule.values()].flat().map((s) => s.close())]);
    await spares?.close();
    throw err;
  }
  for (const m of modules) {
    const own = shadows.byModule.get(m.config.name);
    if (!own) continue;
    m.shadowStatuses = () => own.map((s) => s.status());
    // Versions of one registered model: a move to a version a sibling scores with shares its loaded model.
    const loaded = (shadows: readonly ShadowModule[]) => shadows.flatMap((s) => (s.loaded ? [s.loaded] : []));
    m.siblings = () => loaded(own);
    for (const shadow of own) shadow.siblings = () => [m, ...loaded(own.filter((s) => s !== shadow))];
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
                // A new version's stages (environment built, workers started, model loaded) go to the log.
                load: (uri) => ModelModule.loadModel(m.config, { ...loadOptions, progress: (line) => logger.info(line) }, uri),
                ...(options.recentAlerts ? { check: swapCheck(m, options.recentAlerts) } : {}),
                logger,
              }),
          )
      : [];
  const allFollowers = [...followers, ...shadows.followers];
  return {
    modules,
    shadows: shadows.byModule,
    followers: allFollowers,
    close: async () => {
      await Promise.allSettled(allFollowers.map((f) => f.stop()));
      await Promise.allSettled([...modules.map((m) => m.close()), ...[...shadows.byModule.values()].flat().map((s) => s.close())]);
      await spares?.close();
    },
  };
}

/** Each module's shadow aliases, each with a follower that loads its version now and follows its moves. */
function openShadows(options: OpenModulesOptions, loadOptions: ModuleLoadOptions): { byModule: Map<string, ShadowModule[]>; followers: AliasFollower[]; loaded: Promise<unknown> } {
  const { config, aviary, logger } = options;
  const byModule = new Map<string, ShadowModule[]>();
  const followers: AliasFollower[] = [];
  const loads: Promise<void>[] = [];
  for (const m of config.modules) {
    if (!m.shadow || m.shadow.length === 0) continue;
    const shadows = m.shadow.map((alias) => new ShadowModule(m, alias, logger));
    byModule.set(m.name, shadows);
    for (const shadow of shadows) {
      if (!aviary) {
        shadow.loadFailed('shadow aliases are read from the registry, and this run has none (give it --data-dir or --tracking-uri)');
        continue;
      }
      const onStage = (stage: LoadStage) => shadow.loadingStage(stage === 'environment' ? 'building-environment' : 'loading');
      const follower = new AliasFollower(shadow, {
        registry: aviary.registry,
        intervalMs: config.followRegistryMs,
        load: (uri) => ModelModule.loadModel(shadow.config, { ...loadOptions, onStage, progress: (line) => logger.info(line) }, uri),
        logger,
      });
      followers.push(follower);
      loads.push(follower.poll().then(() => follower.settled()));
    }
  }
  return { byModule, followers, loaded: Promise.all(loads) };
}

/** A module's status before its model is loaded: loading, or building its environment. */
export function loadingStatus(m: ModuleConfig, state: ModuleStatus['state'] = 'loading'): ModuleStatus {
  const alias = aliasOf(m.model);
  return { name: m.name, model: m.model, modelName: alias?.name ?? m.model, version: null, ...(alias ? { alias: alias.alias } : {}), state, scored: 0, deadLettered: 0 };
}
