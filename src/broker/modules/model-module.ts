/**
 * A science module backed by a model (PreprocessedModel): alerts go through the model's
 * preprocessing step as Fink dicts, or become records of its inputs; its outputs are renamed
 * as configured. A failing alert is dead-lettered with what raised; a failing batch (a worker
 * down after its retry, a timeout) dead-letters every alert of the batch, marks the module
 * degraded, and the next batch tries again. The model can be replaced while it runs (a followed
 * alias moved): the new one takes over at the next batch; the old one stays loaded for a few
 * minutes once idle (moving the alias back is then instant), then is closed.
 */
import type { Logger } from '../../common/logger.js';
import { Histogram } from '../../common/metrics/histogram.js';
import { PreprocessedModel, type AlertScores, type PreprocessedModelOptions } from '../../runtime/preprocessing/preprocessed-model.js';
import type { AlertInput } from '../../runtime/preprocessing/preprocessing-step.js';
import { WorkerError } from '../../runtime/worker/worker-errors.js';
import type { Alert } from '../alert.js';
import type { ModuleConfig, ModuleInput } from '../config/broker-config.js';
import type { ModuleDeadLetter, ModuleScores, OutputValue } from '../enriched-alert.js';
import { finkAlertSource } from '../fink-alert-dict.js';
import type { ModuleStatus, ShadowStatus, SwapRefusal } from '../store/alert-store.js';
import { checkModuleSignature } from './check-module-signature.js';
import { hold, release } from './model-holds.js';
import { inputRecords } from './module-inputs.js';
import { VersionUsage } from './module-version-usage.js';
import { ModuleOutputError, outputMapping, type OutputMapping } from './output-mapping.js';
import { aliasOf, type ModuleBatchResult, type ScienceModule } from './science-module.js';

export type ModuleLoadOptions = Omit<PreprocessedModelOptions, 'workers' | 'batchSize' | 'timeoutMs' | 'preprocessingDir' | 'name'> & { readonly logger: Logger };

interface Active {
  readonly model: PreprocessedModel;
  readonly version: string | null;
  readonly running: Set<Promise<unknown>>;
  mapping?: OutputMapping;
}

type Prior = readonly Readonly<Record<string, OutputValue>>[];

/** How long a replaced version stays loaded for a quick move back. */
const WARM_MS = 5 * 60_000;

export class ModelModule implements ScienceModule {
  /** `uri` overrides the configured model (a followed alias's new version, e.g. models:/snia/2). */
  static async loadModel(config: ModuleConfig, options: ModuleLoadOptions, uri = config.model): Promise<PreprocessedModel> {
    const model = await PreprocessedModel.load(uri, {
      ...options,
      workers: config.workers,
      batchSize: config.batchSize,
      timeoutMs: config.timeoutMs,
      network: config.network === true,
      ...(config.preprocessing ? { preprocessingDir: config.preprocessing } : {}),
      progress: options.progress && ((line) => options.progress!(`${config.name}: ${line}`)),
    });
    if (!model.preprocessing && !config.inputs && inputNamesOf(model).length === 0) {
      await model.close();
      throw new Error(`module ${config.name}: ${uri} has no input signature and no preprocessing step: list the alert fields it takes under inputs: (e.g. inputs: [magpsf, sigmapsf])`);
    }
    try {
      const unchecked = checkModuleSignature(config, { signature: model.model.signature, flavor: model.model.flavor, preprocessing: model.preprocessing !== undefined });
      if (unchecked) options.progress?.(`${config.name}: ${unchecked}`);
    } catch (err) {
      await model.close();
      throw err;
    }
    return model;
  }

  static async load(config: ModuleConfig, options: ModuleLoadOptions): Promise<ModelModule> {
    return new ModelModule(config, await ModelModule.loadModel(config, options), options.logger);
  }

  private active: Active;
  private next?: Active;
  private readonly retiring = new Set<Promise<void>>();
  private readonly usage = new VersionUsage();
  private state: ModuleStatus['state'] = 'ready';
  private reason?: string;
  /** Restarts of the workers of models already replaced (a followed alias moved). */
  private retiredRestarts = 0;
  /** The version replaced last, still loaded for a while. */
  private warm?: { readonly active: Active; readonly timer: NodeJS.Timeout };
  private refusal?: SwapRefusal;
  /** The statuses of the module's shadow aliases, for its own status. */
  shadowStatuses: () => readonly ShadowStatus[] = () => [];
  /** The modules that may lend a loaded version to this one: its shadows, or for a shadow its module and the other shadows. */
  siblings: () => readonly ModelModule[] = () => [];
  /**
   * Seconds per call to the model for one of the module's batches, its preprocessing step
   * included; a failed call (a timeout) counts up to its failure.
   */
  readonly modelCallSeconds = new Histogram();

  constructor(
    readonly config: ModuleConfig,
    model: PreprocessedModel,
    private readonly logger: Logger,
  ) {
    this.active = activeOf(model);
    this.usage.start(this.active.version);
  }

  get version(): string | null {
    return (this.next ?? this.active).version;
  }

  /** Scores with `model` from the next batch on; the model in use is closed once its batches finish. */
  replace(model: PreprocessedModel): void {
    const unused = this.next;
    this.next = activeOf(model);
    if (unused) this.retire(unused, true);
  }

  takeWarm(version: string): PreprocessedModel | undefined {
    if (this.warm?.active.version !== version) return undefined;
    clearTimeout(this.warm.timer);
    const { model } = this.warm.active;
    this.warm = undefined;
    return model;
  }

  /** This version, loaded and scoring in a sibling, shared rather than loaded again. */
  borrow(version: string): PreprocessedModel | undefined {
    return ModelModule.borrowFrom(this.siblings(), version);
  }

  /** The first of `lenders` scoring `version`, its model held once more. */
  static borrowFrom(lenders: readonly ModelModule[], version: string): PreprocessedModel | undefined {
    for (const lender of lenders) {
      const model = lender.lend(version);
      if (model) return model;
    }
    return undefined;
  }

  /** The model scoring (or about to) with `version`, held once more for a borrower. */
  lend(version: string): PreprocessedModel | undefined {
    const current = this.next ?? this.active;
    return this.state !== 'closed' && current.version === version ? hold(current.model) : undefined;
  }

  swapRefused(refusal: SwapRefusal | undefined): void {
    this.refusal = refusal;
  }

  /** Builds what the model is given for these alerts: Fink dicts for a preprocessing step, else records of its inputs. */
  inputsFor(model: PreprocessedModel, alerts: readonly Alert[], prior: Prior): AlertInput[] {
    return model.preprocessing ? alerts.map((alert, i) => finkAlertSource(alert, prior[i])) : inputRecords(alerts, prior, this.config.inputs ?? signatureInputs(model));
  }

  async score(alerts: readonly Alert[], prior: Prior): Promise<ModuleBatchResult> {
    if (this.next) this.swap();
    const active = this.active;
    const scores: (ModuleScores | undefined)[] = new Array(alerts.length).fill(undefined);
    const deadLetters: ModuleDeadLetter[] = [];
    let preprocessingMs = 0;
    let modelMs = 0;
    const chunks: Promise<void>[] = [];
    for (let start = 0; start < alerts.length; start += this.config.batchSize) {
      const end = Math.min(alerts.length, start + this.config.batchSize);
      const chunk = this.scoreChunk(active, alerts.slice(start, end), prior.slice(start, end)).then((result) => {
        result.scores.forEach((s, i) => (scores[start + i] = s));
        deadLetters.push(...result.deadLetters);
        preprocessingMs += result.preprocessingMs;
        modelMs += result.modelMs;
      });
      chunks.push(chunk);
      active.running.add(chunk);
      void chunk.finally(() => active.running.delete(chunk)).catch(() => {});
    }
    await Promise.all(chunks);
    return { scores, deadLetters, preprocessingMs, modelMs };
  }

  status(): ModuleStatus {
    const alias = aliasOf(this.config.model);
    return {
      name: this.config.name,
      model: this.config.model,
      modelName: this.active.model.model.version?.name ?? alias?.name ?? this.config.model,
      version: this.active.version,
      ...(alias ? { alias: alias.alias } : {}),
      state: this.state,
      scored: this.usage.scored,
      deadLettered: this.usage.deadLettered,
      ...(this.reason ? { reason: this.reason } : {}),
      versions: this.usage.list(),
      ...(this.config.shadow ? { shadows: this.shadowStatuses() } : {}),
      ...(this.refusal ? { swapRefused: this.refusal } : {}),
      ...(this.config.labels ? { labels: this.config.labels } : {}),
    };
  }

  /** Worker processes restarted during the run, over every model version it used. */
  workerRestarts(): number {
    // Closed, every model it had is retired and counted there.
    if (this.state === 'closed') return this.retiredRestarts;
    return this.retiredRestarts + this.active.model.workerRestarts() + (this.next?.model.workerRestarts() ?? 0);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const pending = this.next;
    this.next = undefined;
    if (pending) this.retire(pending);
    this.retire(this.active);
    if (this.warm) {
      clearTimeout(this.warm.timer);
      this.retire(this.warm.active);
      this.warm = undefined;
    }
    await Promise.allSettled([...this.retiring]);
  }

  private swap(): void {
    const old = this.active;
    this.active = this.next!;
    this.next = undefined;
    this.usage.start(this.active.version);
    this.logger.info(`${this.config.name}: ${this.config.model} moved from version ${old.version} to ${this.active.version}; now scoring with version ${this.active.version}`);
    this.retire(old, true);
  }

  /** Closes a model once its batches finish; `keepWarm`: a version the alias may come back to stays loaded a while instead. */
  private retire(old: Active, keepWarm = false): void {
    if (keepWarm && old.version !== null && this.state !== 'closed') {
      // Taking, replacing or closing the warm version clears its timer.
      if (this.warm) {
        clearTimeout(this.warm.timer);
        this.retire(this.warm.active);
      }
      const timer = setTimeout(() => {
        this.warm = undefined;
        this.retire(old);
      }, WARM_MS);
      timer.unref();
      this.warm = { active: old, timer };
      return;
    }
    this.retiredRestarts += old.model.workerRestarts();
    const closing = Promise.allSettled([...old.running]).then(() => release(old.model));
    this.retiring.add(closing);
    void closing.finally(() => this.retiring.delete(closing));
  }

  private async scoreChunk(active: Active, alerts: readonly Alert[], prior: Prior): Promise<ModuleBatchResult> {
    const inputs = this.inputsFor(active.model, alerts, prior);
    let answer: AlertScores;
    const calling = performance.now();
    try {
      answer = await active.model.scoreAlerts(inputs);
    } catch (err) {
      return this.batchFailed(active, alerts, err);
    } finally {
      this.modelCallSeconds.observe((performance.now() - calling) / 1000);
    }
    const scores: (ModuleScores | undefined)[] = [];
    const deadLetters: ModuleDeadLetter[] = [];
    answer.alerts.forEach((scored, i) => {
      const alert = alerts[i]!;
      if (scored.error || !scored.predictions) {
        const error = scored.error ?? { stage: 'predict' as const, type: 'Error', message: 'the model returned no prediction' };
        deadLetters.push(this.deadLetter(active, alert, error.stage, `${error.type}: ${error.message}`));
        scores.push(undefined);
        return;
      }
      active.mapping ??= outputMapping(this.config.name, this.config.outputs, Object.keys(scored.predictions));
      scores.push({ module: this.config.name, model: this.modelName(active), version: active.version, outputs: active.mapping(scored.predictions) });
    });
    this.usage.add(active.version, alerts.length - deadLetters.length, deadLetters.length);
    if (this.state === 'degraded') {
      this.state = 'ready';
      this.reason = undefined;
    }
    return { scores, deadLetters, ...answer.timings };
  }

  /** The whole batch failed: every alert is dead-lettered for this module, which is degraded until a batch succeeds. */
  private batchFailed(active: Active, alerts: readonly Alert[], err: unknown): ModuleBatchResult {
    if (err instanceof ModuleOutputError) throw err;
    const timeout = err instanceof WorkerError && err.kind === 'timeout';
    const reason = err instanceof WorkerError ? `WorkerError (${err.kind}): ${err.reason}` : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (this.state !== 'closed') {
      this.state = 'degraded';
      this.reason = reason;
    }
    this.logger.warn(`${this.config.name}: a batch of ${alerts.length} alerts failed and was dead-lettered for this module: ${reason}`);
    this.usage.add(active.version, 0, alerts.length);
    const deadLetters = alerts.map((alert) => this.deadLetter(active, alert, timeout ? 'timeout' : 'degraded', reason));
    return { scores: alerts.map(() => undefined), deadLetters, preprocessingMs: 0, modelMs: 0 };
  }

  private deadLetter(active: Active, alert: Alert, stage: ModuleDeadLetter['stage'], reason: string): ModuleDeadLetter {
    return { module: this.config.name, survey: alert.survey, alertId: alert.alertId, objectId: alert.objectId, stage, reason, model: this.modelName(active), version: active.version };
  }

  private modelName(active: Active): string {
    return active.model.model.version?.name ?? aliasOf(this.config.model)?.name ?? this.config.model;
  }
}

function activeOf(model: PreprocessedModel): Active {
  return { model, version: model.model.version?.version ?? null, running: new Set() };
}

/** Without `inputs:`, the model's own column names are the alert fields. */
function signatureInputs(model: PreprocessedModel): ModuleInput[] {
  return inputNamesOf(model).map((name) => ({ column: name, field: name }));
}

/** The model's named input columns, from its signature. */
function inputNamesOf(model: PreprocessedModel): string[] {
  const inputs = model.model.signature?.inputs;
  return inputs?.kind === 'columns' ? inputs.columns.flatMap((c) => (c.name === undefined ? [] : [c.name])) : [];
}
