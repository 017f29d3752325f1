/**
 * From a model URI or folder to a running ModelRuntime: fetch the files, read MLmodel, then an
 * `onnx` flavor runs in-process through ONNX Runtime, and anything else runs in a pool of Python
 * workers inside the model's own environment (built once, then taken from the cache).
 */
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger, type Logger } from '../common/logger.js';
import type { ModelVersion } from '../registry/entities.js';
import type { EnvironmentBuilder, PythonEnvironment } from './environment-builder.js';
import type { MlModel, ModelSignature } from './model-format/ml-model.js';
import { readMlModel } from './model-format/read-ml-model.js';
import { readModelEnvironment } from './model-format/read-model-environment.js';
import type { ModelRuntime } from './model-runtime.js';
import { fetchModel, type FetchedModel, type ModelStore } from './model-source.js';
import { OnnxModelRuntime } from './onnx/onnx-runtime.js';
import type { Sandbox } from './sandbox/sandbox.js';
import type { SpareWorkers } from './worker/spare-workers.js';
import { WorkerPool } from './worker/worker-pool.js';
import { describeStartup, seconds, slowestStartup } from './worker/worker-startup.js';

export interface LoadModelOptions {
  /** Resolves models:/ and runs:/ URIs; not needed for a folder. */
  readonly aviary?: ModelStore;
  readonly builder: EnvironmentBuilder;
  /** Python workers (default 1); ONNX models ignore it. */
  readonly workers?: number;
  /** Most rows a worker scores at once (default 1000). */
  readonly batchSize?: number;
  /** Per batch slice, in a worker (default 60 s). */
  readonly timeoutMs?: number;
  /** Address-space limit of each worker (see WorkerPoolOptions.memoryLimitMb). */
  readonly memoryLimitMb?: number;
  readonly logger?: Logger;
  /** One line per step (fetching, building, starting), then one with each stage's duration
   * ("environment built in 4.2 s (uv 0.13.9)", "1 worker ready in 1.1 s: ..."): for a person
   * waiting, e.g. on stderr, and for the broker's log when a followed alias moves. */
  readonly progress?: (message: string) => void;
  /** The model's name in logs and errors; default "name/version", or the folder's name. */
  readonly name?: string;
  /** Told as each loading stage begins (e.g. 'environment' while a Python environment builds), for status displays. */
  readonly onStage?: (stage: LoadStage) => void;
  /** How Python workers are confined (default: Sandbox.fromEnv(): every layer this machine allows). */
  readonly sandbox?: Sandbox;
  /** Let the model's workers (and its preprocessing step's) reach the network. */
  readonly network?: boolean;
  /** Told once the model's files are read, before its environment and workers: what depends on
   * the model alone (its preprocessing step) can start beside them. */
  readonly onModelRead?: (read: ModelRead) => void;
  /** Start workers from a spare of their environment (MLflow already imported) and keep one for the next load: for a process that swaps versions, e.g. a broker following an alias. */
  readonly spares?: SpareWorkers;
}

/** A model whose files are read, not yet started; `name` as LoadedModel's. */
export interface ModelRead {
  readonly model: MlModel;
  readonly name: string;
  readonly version?: ModelVersion;
}

export interface LoadedModel {
  readonly runtime: ModelRuntime;
  /** The URI as given, or the absolute folder. */
  readonly uri: string;
  readonly name: string;
  /** The registered version a models:/ URI named. */
  readonly version?: ModelVersion;
  /** "onnx", or the model's own flavor ("sklearn", "pytorch"..., "python_function" for a custom model). */
  readonly flavor: string;
  readonly model: MlModel;
  /** What inputs are ordered and typed by. */
  readonly signature?: ModelSignature;
  /** The Python environment the workers run in (absent for ONNX). */
  readonly environment?: PythonEnvironment;
  /** Stops the runtime, then removes the downloaded files. */
  close(): Promise<void>;
}

export type LoadStage = 'fetch' | 'read' | 'environment' | 'start';

/** Loading failed; `stage` says where, `cause` is the original error (an EnvironmentBuildError carries the build log's tail). */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly uri: string,
    readonly stage: LoadStage,
    override readonly cause: Error,
  ) {
    super(`Could not load ${uri}: ${STAGE_WORDS[stage]}: ${cause.message}`);
  }
}

const STAGE_WORDS: Record<LoadStage, string> = {
  fetch: 'the model files could not be fetched',
  read: 'the model folder cannot be run',
  environment: "the model's Python environment could not be built",
  start: 'the model could not be started',
};

export async function loadModel(uriOrFolder: string, options: LoadModelOptions): Promise<LoadedModel> {
  const say = options.progress ?? (() => {});
  const logger = options.logger ?? silentLogger;
  say(`fetching ${uriOrFolder}`);
  const step = <T>(uri: string, stage: LoadStage, body: () => Promise<T>) => {
    options.onStage?.(stage);
    return loadStep(uri, stage, body);
  };
  const began = performance.now();
  const fetched = await step(uriOrFolder, 'fetch', () => fetchModel(uriOrFolder, options.aviary));
  try {
    const model = await step(uriOrFolder, 'read', () => readMlModel(fetched.dir));
    const name = options.name ?? nameOf(fetched);
    say(`${name}: fetched and read in ${seconds(performance.now() - began)}`);
    options.onModelRead?.({ model, name, ...(fetched.version ? { version: fetched.version } : {}) });
    const common = { uri: fetched.uri, name, version: fetched.version, model, signature: model.signature };
    if (model.onnx) {
      say(`${name}: loading the ONNX model in-process`);
      const onnx = model.onnx;
      const started = performance.now();
      const runtime = await step(uriOrFolder, 'start', () => OnnxModelRuntime.load({ name, modelDir: model.dir, dataFile: onnx.data, logger }));
      say(`${name}: ONNX model loaded in ${seconds(performance.now() - started)}`);
      return loaded({ ...common, runtime, flavor: 'onnx' }, fetched);
    }
    const spec = await step(uriOrFolder, 'read', async () => (await readModelEnvironment(model))!);
    spec.warnings.forEach((warning) => logger.warn(`[${name}] ${warning}`));
    say(`${name}: Python ${spec.spec.python}, ${spec.spec.requirements.length} requirements (from ${basename(spec.source)})`);
    const building = performance.now();
    let built: string | undefined;
    const environment = await step(uriOrFolder, 'environment', () =>
      options.builder.build(spec.spec, (e) => {
        if (e.phase === 'installing') built = e.message.replace(/^.* with /, '');
        say(`${name}: [${(e.elapsedMs / 1000).toFixed(1)}s] ${e.phase}: ${e.message}`);
      }),
    );
    const took = seconds(performance.now() - building);
    say(built ? `${name}: environment built in ${took} (${built})` : `${name}: environment ${environment.hash} found built (${took})`);
    const workers = Math.max(1, options.workers ?? 1);
    const plural = workers === 1 ? '' : 's';
    say(`${name}: starting ${workers} worker${plural} in ${environment.dir}`);
    const runtime = await step(uriOrFolder, 'start', () =>
      WorkerPool.start({
        name,
        modelDir: model.dir,
        environment,
        workers,
        batchSize: options.batchSize,
        timeoutMs: options.timeoutMs,
        memoryLimitMb: options.memoryLimitMb,
        logger,
        ...(options.sandbox ? { sandbox: options.sandbox } : {}),
        network: options.network,
        ...(options.spares ? { spares: options.spares } : {}),
      }),
    );
    const slowest = slowestStartup(runtime.startups());
    if (slowest) say(`${name}: ${workers} worker${plural} ${describeStartup(slowest)}`);
    return loaded({ ...common, runtime, flavor: flavorOf(model), environment }, fetched);
  } catch (err) {
    await fetched.dispose();
    throw err;
  }
}

async function loadStep<T>(uri: string, stage: LoadStage, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw new ModelLoadError(uri, stage, err instanceof Error ? err : new Error(String(err)));
  }
}

function loaded(parts: Omit<LoadedModel, 'close'>, fetched: FetchedModel): LoadedModel {
  let closing: Promise<void> | undefined;
  return {
    ...parts,
    close: () =>
      (closing ??= (async () => {
        try {
          await parts.runtime.close();
        } finally {
          await fetched.dispose();
        }
      })()),
  };
}

function nameOf(fetched: FetchedModel): string {
  if (fetched.version) return `${fetched.version.name}/${fetched.version.version}`;
  return fetched.artifactUri ? fetched.uri : basename(fetched.dir);
}

function flavorOf(model: MlModel): string {
  return Object.keys(model.flavors).find((f) => f !== 'python_function') ?? 'python_function';
}
