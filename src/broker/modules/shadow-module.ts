/**
 * A module's shadow alias (`shadow: [challenger]`): another version of the module's registered
 * model scoring the same alerts with the same inputs, in its own environment, following its
 * alias as the module follows its own. What it says is kept apart (ShadowScores), and nothing it
 * does reaches the module or the run: a version that cannot load, a batch that fails or outputs
 * that do not fit leave it without outputs for those alerts, said in its status.
 */
import type { Logger } from '../../common/logger.js';
import type { PreprocessedModel } from '../../runtime/preprocessing/preprocessed-model.js';
import type { Alert } from '../alert.js';
import type { ModuleConfig } from '../config/broker-config.js';
import type { ModuleDeadLetter, OutputValue, ShadowScores } from '../enriched-alert.js';
import { shadowKey } from '../filters/filter-record.js';
import type { ShadowStatus } from '../store/alert-store.js';
import type { FollowedModule } from './alias-follower.js';
import { release } from './model-holds.js';
import { ModelModule } from './model-module.js';
import { aliasOf } from './science-module.js';

export interface ShadowBatchResult {
  /** One entry per alert given: its shadow outputs, or undefined. */
  readonly shadows: readonly (ShadowScores | undefined)[];
  /** Under the module name `snia@challenger`. */
  readonly deadLetters: readonly ModuleDeadLetter[];
}

export class ShadowModule implements FollowedModule {
  /** The shadow as a module of its own: named `snia@challenger`, following `models:/snia@challenger`. */
  readonly config: ModuleConfig;
  private module?: ModelModule;
  private state: 'loading' | 'building-environment' | 'failed' | 'closed' = 'loading';
  private failure?: string;
  /** The module and its other shadows, which may lend a version they score with (set by openModules). */
  siblings: () => readonly ModelModule[] = () => [];

  constructor(
    readonly owner: ModuleConfig,
    readonly alias: string,
    private readonly logger: Logger,
  ) {
    const name = registeredName(owner.model);
    const { shadow: _shadow, labels: _labels, ...rest } = owner;
    this.config = { ...rest, name: shadowKey(owner.name, alias), model: `models:/${encodeURIComponent(name)}@${alias}` };
  }

  get version(): string | null {
    return this.module?.version ?? null;
  }

  replace(model: PreprocessedModel): void {
    if (this.state === 'closed') {
      void release(model);
      return;
    }
    this.failure = undefined;
    if (this.module) this.module.replace(model);
    else this.module = new ModelModule(this.config, model, this.logger);
  }

  takeWarm(version: string): PreprocessedModel | undefined {
    return this.module?.takeWarm(version);
  }

  borrow(version: string): PreprocessedModel | undefined {
    return ModelModule.borrowFrom(this.siblings(), version);
  }

  /** Its ModelModule once loaded (the module and other shadows borrow from it). */
  get loaded(): ModelModule | undefined {
    return this.module;
  }

  loadFailed(reason: string): void {
    // A shadow that scores keeps scoring with its version; one that never loaded says why.
    if (!this.module && this.state !== 'closed') {
      this.state = 'failed';
      this.failure = reason;
    }
  }

  loadingStage(stage: 'loading' | 'building-environment'): void {
    if (!this.module && this.state !== 'closed') this.state = stage;
  }

  /** Never rejects: a shadow's failure is its own. */
  async score(alerts: readonly Alert[], prior: readonly Readonly<Record<string, OutputValue>>[]): Promise<ShadowBatchResult> {
    const module = this.module;
    if (!module || this.state === 'closed') return { shadows: alerts.map(() => undefined), deadLetters: [] };
    try {
      const result = await module.score(alerts, prior);
      this.failure = undefined;
      return { shadows: result.scores.map((s) => s && { ...s, module: this.owner.name, alias: this.alias }), deadLetters: result.deadLetters };
    } catch (err) {
      // Outputs that do not fit the module's names: the module would fail the run; a shadow only stops scoring.
      const reason = err instanceof Error ? err.message : String(err);
      if (reason !== this.failure) this.logger.warn(`${this.config.name}: the shadow could not score a batch: ${reason}`);
      this.failure = reason;
      return { shadows: alerts.map(() => undefined), deadLetters: [] };
    }
  }

  status(): ShadowStatus {
    const own = this.module?.status();
    // Before its first version loaded (or once closed) the shadow's own state; then its module's, degraded by a failed batch.
    const state = !own || this.state === 'closed' ? this.state : this.failure ? 'degraded' : own.state;
    const reason = this.failure ?? own?.reason;
    return {
      alias: this.alias,
      version: own?.version ?? null,
      state,
      scored: own?.scored ?? 0,
      deadLettered: own?.deadLettered ?? 0,
      ...(reason ? { reason } : {}),
      ...(own?.versions ? { versions: own.versions } : {}),
    };
  }

  workerRestarts(): number {
    return this.module?.workerRestarts() ?? 0;
  }

  async close(): Promise<void> {
    this.state = 'closed';
    await this.module?.close();
  }
}

/** The registered model of `models:/snia@champion` or `models:/snia/3`. */
function registeredName(model: string): string {
  const alias = aliasOf(model);
  if (alias) return alias.name;
  const match = /^models:\/([^/@]+)\/\d+$/.exec(model);
  if (!match) throw new Error(`shadow aliases need a registered model; ${model} is not one`);
  return decodeURIComponent(match[1]!);
}
