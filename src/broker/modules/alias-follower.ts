/**
 * Keeps a `models:/name@alias` module on the version the alias points at. Registry events
 * (same process: `aviary demo`, the server) say at once when the alias moves; polling the
 * registry every `intervalMs` catches moves made by another process sharing the data dir, or
 * through a tracking server over HTTP. The new version loads in the background while the old
 * one keeps scoring; a version that fails to load is logged and skipped, and the old one stays.
 * A registry that cannot be reached is said once and asked again at the next poll; a version
 * whose files could not be fetched for such a reason is tried again then too.
 */
import type { Logger } from '../../common/logger.js';
import { isTransient } from '../../common/transient-error.js';
import type { RegistryEvents } from '../../registry/registry-events.js';
import type { PreprocessedModel } from '../../runtime/preprocessing/preprocessed-model.js';
import { aliasOf } from './science-module.js';

export interface FollowedModule {
  readonly config: { readonly name: string; readonly model: string };
  /** The version scoring now, or about to (loaded, waiting for the next batch). */
  readonly version: string | null;
  replace(model: PreprocessedModel): void;
}

export interface AliasFollowerOptions {
  readonly registry: {
    resolveModelUri(uri: string): Promise<{ version?: { readonly version: string } }>;
    readonly events?: RegistryEvents;
  };
  /** 0: no polling (events only). */
  readonly intervalMs: number;
  /** Loads a version, e.g. models:/snia/2. */
  readonly load: (uri: string) => Promise<PreprocessedModel>;
  readonly logger: Logger;
}

export class AliasFollower {
  private readonly unsubscribe?: () => void;
  private readonly timer?: NodeJS.Timeout;
  private loading?: Promise<void>;
  /** The version being loaded or that failed to load: not tried again until the alias moves elsewhere. */
  private tried?: string;
  private stopped = false;
  private lastPollError?: string;
  private polling = false;

  constructor(
    private readonly module: FollowedModule,
    private readonly options: AliasFollowerOptions,
  ) {
    const target = aliasOf(module.config.model);
    if (!target) throw new Error(`${module.config.model} names no alias to follow`);
    this.unsubscribe = options.registry.events?.subscribe((event) => {
      if (event.type !== 'alias.set' && event.type !== 'alias.deleted') return;
      if (event.name !== target.name || event.alias !== target.alias) return;
      if (event.type === 'alias.set' && event.user !== undefined) {
        options.logger.info(`${module.config.name}: ${module.config.model} moved to version ${event.version} by user ${event.user}`);
      }
      if (event.type === 'alias.set') this.moveTo(event.version);
      else options.logger.warn(`${module.config.name}: ${module.config.model} was deleted; still scoring with version ${module.version}`);
    });
    if (options.intervalMs > 0) {
      this.timer = setInterval(() => void this.poll(), options.intervalMs);
      this.timer.unref();
    }
  }

  /** Stops following; waits for a load under way (the module closes what it was given). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.loading;
  }

  /** Asks the registry where the alias points now; a poll still waiting on a slow server is not doubled. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const { name, model } = this.module.config;
    try {
      const { version } = await this.options.registry.resolveModelUri(model);
      if (this.lastPollError !== undefined) this.options.logger.info(`${name}: ${model} can be checked again`);
      this.lastPollError = undefined;
      if (version) this.moveTo(version.version);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (reason !== this.lastPollError) this.options.logger.warn(`${name}: cannot check ${model}: ${reason}; still scoring with version ${this.module.version}`);
      this.lastPollError = reason;
    } finally {
      this.polling = false;
    }
  }

  /** Resolves once the load started by the latest move has finished (for tests and shutdown). */
  settled(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  private moveTo(version: string): void {
    if (this.stopped || version === this.module.version || version === this.tried || this.loading) return;
    this.tried = version;
    const { name, model } = this.module.config;
    const uri = `models:/${aliasOf(model)!.name}/${version}`;
    this.options.logger.info(`${name}: ${model} now points at version ${version}; loading it while version ${this.module.version} keeps scoring`);
    this.loading = this.options
      .load(uri)
      .then(
        async (loaded) => {
          if (this.stopped) await loaded.close();
          else {
            this.module.replace(loaded);
            this.options.logger.info(`${name}: version ${version} loaded; it scores from the next batch on`);
          }
        },
        (err: unknown) => {
          const reason = err instanceof Error ? err.message : String(err);
          const again = isTransient(err) ? '; trying again at the next check' : '';
          if (again) this.tried = undefined;
          this.options.logger.error(`${name}: ${model} moved to version ${version}, which could not be loaded: ${reason}; still scoring with version ${this.module.version}${again}`);
        },
      )
      .finally(() => (this.loading = undefined));
  }
}
