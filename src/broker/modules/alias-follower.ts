/**
 * Keeps a `models:/name@alias` module on the version the alias points at. Registry events
 * (same process: `aviary demo`, the server) say at once when the alias moves; polling the
 * registry every `intervalMs` catches moves made by another process sharing the data dir, or
 * through a tracking server over HTTP. The new version loads in the background while the old
 * one keeps scoring; a version that fails to load is logged and skipped, and the old one stays.
 * A registry that cannot be reached is said once and asked again at the next poll; a version
 * whose files could not be fetched for such a reason is tried again then too.
 *
 * With a swap check, a loaded version scores nothing until it has passed the check on recently
 * stored alerts; one that fails is closed, the module keeps its version and shows the refusal,
 * and later moves are checked again. The version the module scored with last is reused while it
 * is still warm (a rollback), without a load or a check.
 */
import type { Logger } from '../../common/logger.js';
import { isTransient } from '../../common/transient-error.js';
import type { RegistryEvents } from '../../registry/registry-events.js';
import type { PreprocessedModel } from '../../runtime/preprocessing/preprocessed-model.js';
import type { SwapRefusal } from '../store/alert-store.js';
import { release } from './model-holds.js';
import { aliasOf } from './science-module.js';

export interface FollowedModule {
  readonly config: { readonly name: string; readonly model: string };
  /** The version scoring now, or about to (loaded, waiting for the next batch). */
  readonly version: string | null;
  replace(model: PreprocessedModel): void;
  /** A version replaced a short while ago and still loaded, taken out for reuse. */
  takeWarm?(version: string): PreprocessedModel | undefined;
  /** A version loaded and scoring for a sibling (the module's shadow, or its module), shared. */
  borrow?(version: string): PreprocessedModel | undefined;
  /** The latest refused move, or undefined once a move was followed. */
  swapRefused?(refusal: SwapRefusal | undefined): void;
  /** The alias's version could not be loaded (or the alias not be resolved). */
  loadFailed?(reason: string): void;
}

/** Checks a loaded version before it scores: undefined when it may, else why not (one line). */
export type SwapCheck = (model: PreprocessedModel, version: string) => Promise<string | undefined>;

export interface AliasFollowerOptions {
  readonly registry: {
    resolveModelUri(uri: string): Promise<{ version?: { readonly version: string } }>;
    readonly events?: RegistryEvents;
  };
  /** 0: no polling (events only). */
  readonly intervalMs: number;
  /** Loads a version, e.g. models:/snia/2. */
  readonly load: (uri: string) => Promise<PreprocessedModel>;
  /** Absent: a loaded version scores at once. */
  readonly check?: SwapCheck;
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
      else options.logger.warn(`${module.config.name}: ${module.config.model} was deleted; ${this.still()}`);
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
      if (reason !== this.lastPollError) this.options.logger.warn(`${name}: cannot check ${model}: ${reason}; ${this.still()}`);
      if (!isTransient(err)) this.module.loadFailed?.(reason);
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
    const warm = this.module.takeWarm?.(version);
    if (warm) {
      // It scored until just now: no load and no check.
      this.module.replace(warm);
      this.module.swapRefused?.(undefined);
      this.options.logger.info(`${name}: ${model} now points at version ${version}, still loaded: it scores from the next batch on`);
      return;
    }
    const uri = `models:/${aliasOf(model)!.name}/${version}`;
    const borrowed = this.module.borrow?.(version);
    const doing = borrowed ? 'already loaded for a shadow of the module; checking it' : 'loading it';
    this.options.logger.info(`${name}: ${model} now points at version ${version}, ${doing} while ${this.module.version === null ? 'nothing scores' : `version ${this.module.version} keeps scoring`}`);
    const started = performance.now();
    this.loading = (borrowed ? Promise.resolve(borrowed) : this.options.load(uri))
      .then(
        async (loaded) => {
          const loadedIn = seconds(started);
          const checking = performance.now();
          const refused = this.stopped || !this.options.check ? undefined : await this.options.check(loaded, version).catch((err: unknown) => `the check failed: ${err instanceof Error ? err.message : String(err)}`);
          if (this.stopped) await release(loaded);
          else if (refused !== undefined) {
            await release(loaded);
            this.module.swapRefused?.({ version, reason: refused, at: new Date().toISOString() });
            this.options.logger.error(`${name}: swap refused: ${model} moved to version ${version}, which failed the check on recently stored alerts: ${refused}; ${this.still()}`);
          } else {
            this.module.replace(loaded);
            this.module.swapRefused?.(undefined);
            const checked = this.options.check ? `, checked in ${seconds(checking)}` : '';
            this.options.logger.info(`${name}: version ${version} ${borrowed ? 'shared with the shadow' : `loaded in ${loadedIn}`}${checked}; it scores from the next batch on`);
          }
        },
        (err: unknown) => {
          const reason = err instanceof Error ? err.message : String(err);
          const again = isTransient(err) ? '; trying again at the next check' : '';
          if (again) this.tried = undefined;
          else this.module.loadFailed?.(`version ${version} could not be loaded: ${reason}`);
          this.options.logger.error(`${name}: ${model} moved to version ${version}, which could not be loaded: ${reason}; ${this.still()}${again}`);
        },
      )
      .finally(() => (this.loading = undefined));
  }

  private still(): string {
    return this.module.version === null ? 'nothing scores for it yet' : `still scoring with version ${this.module.version}`;
  }
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
