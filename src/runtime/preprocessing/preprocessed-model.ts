/**
 * A model with its preprocessing step, scoring alerts one by one: the broker's view of a model.
 * When the version's source run holds `preprocessing/preprocessing.py` (the Fink AI convention),
 * alerts go through it and its feature vectors feed the model (columns named by FEATURE_NAMES);
 * otherwise alerts are records of the model's input columns. An alert that fails is reported
 * with its index and the exception; the others are still scored.
 */
import { performance } from 'node:perf_hooks';
import { makeTempDir, removeTempDir } from '../../common/temp-dirs.js';
import { loadModel, ModelLoadError, type LoadedModel, type LoadModelOptions, type ModelRead } from '../load-model.js';
import type { Schema } from '../model-format/ml-model.js';
import { batchForModel } from '../model-input/batch-for-model.js';
import { isRecord, tableFromRecords } from '../model-input/input-table.js';
import type { Batch, Column, Predictions } from '../model-runtime.js';
import { isModelUri, type ModelStore } from '../model-source.js';
import { WorkerError } from '../worker/worker-errors.js';
import { seconds } from '../worker/worker-startup.js';
import { fetchPreprocessing, type RunArtifactStore } from './preprocessing-source.js';
import { preprocessingPython } from './preprocessing-python.js';
import { PreprocessingStep, type AlertFailure, type AlertInput } from './preprocessing-step.js';

export interface AlertError extends AlertFailure {
  /** input: the alert is not a record; preprocessing: pre_processing raised; predict: the model raised on the batch. */
  readonly stage: 'input' | 'preprocessing' | 'predict';
}

export interface ScoredAlert {
  /** The alert's position in the list given. */
  readonly index: number;
  /** The feature vector, in `featureNames` order (with preprocessing only). */
  readonly features?: readonly number[];
  /** Output name to value. */
  readonly predictions?: Readonly<Record<string, unknown>>;
  readonly error?: AlertError;
}

export interface AlertScores {
  readonly featureNames: readonly string[];
  readonly alerts: readonly ScoredAlert[];
  /** Milliseconds spent in the preprocessing step (0 without one) and in the model. */
  readonly timings: { readonly preprocessingMs: number; readonly modelMs: number };
}

export interface PreprocessedModelOptions extends LoadModelOptions {
  readonly aviary?: ModelStore & RunArtifactStore;
  /** A preprocessing folder to use instead of the source run's (for a model folder, which has no run). */
  readonly preprocessingDir?: string;
}

export class PreprocessedModel {
  /** The model and its preprocessing step start side by side: the step's environment and
   * workers as soon as the model's files are read, beside the model's own. */
  static async load(uriOrFolder: string, options: PreprocessedModelOptions): Promise<PreprocessedModel> {
    let starting: Promise<StartedStep | undefined> | undefined;
    const onModelRead: LoadModelOptions['onModelRead'] = (read) => {
      options.onModelRead?.(read);
      starting = startStep(uriOrFolder, read, options);
      starting.catch(() => {}); // settled below, after the model's load
    };
    const [model] = await Promise.allSettled([loadModel(uriOrFolder, { ...options, onModelRead })]);
    const [step] = await Promise.allSettled([starting ?? Promise.resolve(undefined)]);
    if (model.status === 'rejected' || step.status === 'rejected') {
      await Promise.allSettled([model.status === 'fulfilled' && model.value.close(), step.status === 'fulfilled' && step.value?.close()]);
      throw model.status === 'rejected' ? model.reason : (step as PromiseRejectedResult).reason;
    }
    const started = step.value;
    if (!started) return new PreprocessedModel(model.value, undefined, undefined);
    const preprocessed = new PreprocessedModel(model.value, started.step, started.cleanup);
    try {
      preprocessed.checkFeatures();
    } catch (err) {
      await preprocessed.close();
      throw err;
    }
    return preprocessed;
  }

  private constructor(
    readonly model: LoadedModel,
    readonly preprocessing: PreprocessingStep | undefined,
    private readonly cleanup: (() => Promise<void>) | undefined,
  ) {}

  get featureNames(): readonly string[] {
    return this.preprocessing?.featureNames ?? [];
  }

  async scoreAlerts(alerts: readonly AlertInput[]): Promise<AlertScores> {
    const results: ScoredAlert[] = alerts.map((_, index) => ({ index }));
    let batch: Batch;
    let rows: number[];
    let preprocessingMs = 0;
    if (this.preprocessing) {
      const started = performance.now();
      const features = await this.preprocessing.featurize(alerts);
      preprocessingMs = performance.now() - started;
      rows = [];
      features.errors.forEach((error, i) => {
        const vector = features.columns.map((c) => c[i]!);
        results[i] = error ? { index: i, features: vector, error: { stage: 'preprocessing', ...error } } : { index: i, features: vector };
        if (!error) rows.push(i);
      });
      batch = this.featureBatch(features.featureNames, features.columns, rows);
    } else {
      rows = alerts.flatMap((alert, i) => (isRecord(alert) ? [i] : []));
      alerts.forEach((alert, i) => {
        if (!isRecord(alert)) results[i] = { index: i, error: { stage: 'input', type: 'TypeError', message: 'an alert must be an object of the model\'s input columns' } };
      });
      batch = batchForModel(tableFromRecords(rows.map((i) => alerts[i])), this.inputs());
    }
    const started = performance.now();
    if (rows.length > 0) await this.predictInto(batch, rows, results);
    return { featureNames: this.featureNames, alerts: results, timings: { preprocessingMs, modelMs: performance.now() - started } };
  }

  /** Workers restarted since it loaded: the model's and the preprocessing step's. */
  workerRestarts(): number {
    return (this.model.runtime.workerRestarts?.() ?? 0) + (this.preprocessing?.workerRestarts() ?? 0);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.model.close(), this.preprocessing?.close()]);
    await this.cleanup?.();
  }

  private async predictInto(batch: Batch, rows: readonly number[], results: ScoredAlert[]): Promise<void> {
    let predictions: Predictions;
    try {
      predictions = await this.model.runtime.predict(batch);
    } catch (err) {
      if (!(err instanceof WorkerError && err.kind === 'model-error')) throw err;
      const error: AlertError = { stage: 'predict', type: err.details.exceptionType ?? 'Error', message: err.reason, traceback: err.details.traceback };
      for (const i of rows) results[i] = { ...results[i]!, error };
      return;
    }
    rows.forEach((i, r) => {
      const values = Object.fromEntries(predictions.names.map((name, c) => [name, (predictions.data[c] as Column)[r]]));
      results[i] = { ...results[i]!, predictions: values };
    });
  }

  /** The scored alerts' features, as the model's columns: in its signature's order when it names them. */
  private featureBatch(names: readonly string[], columns: readonly Float64Array[], rows: readonly number[]): Batch {
    const inputs = this.inputs();
    const named = inputs?.kind === 'columns' && inputs.columns.every((c) => c.name !== undefined) ? inputs.columns.map((c) => c.name!) : undefined;
    const order = named ? named.filter((name) => names.includes(name)) : names;
    const data = order.map((name) => {
      const column = columns[names.indexOf(name)]!;
      return Float64Array.from(rows, (i) => column[i]!);
    });
    return { columns: order, data, rows: rows.length };
  }

  private inputs(): Schema | undefined {
    return this.model.signature?.inputs;
  }

  /** The model must find every input it requires among FEATURE_NAMES. */
  private checkFeatures(): void {
    const inputs = this.inputs();
    if (inputs?.kind !== 'columns') return;
    const missing = inputs.columns.filter((c) => c.required && c.name !== undefined && !this.featureNames.includes(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new Error(`${this.model.name}: the model needs inputs ${missing.join(', ')} that preprocessing.py's FEATURE_NAMES (${this.featureNames.join(', ')}) do not provide`);
    }
  }
}

interface StartedStep {
  readonly step: PreprocessingStep;
  /** Removes the folder the step's files were fetched into. */
  readonly cleanup?: () => Promise<void>;
  close(): Promise<void>;
}

/** The preprocessing step of the model's source run (or options.preprocessingDir), started; undefined when there is none. */
async function startStep(
  uriOrFolder: string,
  read: ModelRead,
  options: PreprocessedModelOptions,
): Promise<StartedStep | undefined> {
  let dir = options.preprocessingDir;
  let scratch: string | undefined;
  const name = read.name;
  // The registered version's source run; for a runs:/ or logged-model URI, the run its MLmodel names.
  const runId = read.version?.run_id ?? (isModelUri(uriOrFolder) ? read.model.runId : undefined);
  try {
    if (!dir && runId && options.aviary) {
      scratch = await makeTempDir('aviary-preprocessing');
      if (await fetchPreprocessing(options.aviary, runId, scratch)) dir = scratch;
      else {
        // The run has no preprocessing step: the folder made for it would outlive the model.
        await removeTempDir(scratch);
        scratch = undefined;
      }
    }
    if (!dir) return undefined;
    options.progress?.(`${name}: preprocessing step from ${runId ? `run ${runId}` : dir}`);
    options.onStage?.('environment'); // the step's own environment is built (or found) first
    const began = performance.now();
    const step = await PreprocessingStep.start({ ...options, name: `${name} preprocessing`, dir, python: (await preprocessingPython(read.model)).version }).catch((err: Error) => {
      throw new ModelLoadError(uriOrFolder, 'start', new Error(`preprocessing: ${err.message}`));
    });
    options.progress?.(`${name}: preprocessing step ready in ${seconds(performance.now() - began)}`);
    const scratchDir = scratch;
    const cleanup = scratchDir ? () => removeTempDir(scratchDir) : undefined;
    return { step, cleanup, close: async () => (await step.close(), await cleanup?.()) };
  } catch (err) {
    if (scratch) await removeTempDir(scratch);
    throw err;
  }
}
