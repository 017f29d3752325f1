import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { Batch, ModelRuntime, Predictions } from '../model-runtime.js';
import { checkBatch } from '../worker/batch-slices.js';
import { loadOnnxRuntimeNode, type OrtModule, type OrtSession, type OrtSessionOptions } from './onnx-api.js';
import { feedsFor, outputColumns } from './onnx-tensors.js';
import { unzipMapOutputs } from './onnx-zipmap.js';

export interface OnnxRuntimeOptions {
  /** The model's name, in logs and errors. */
  readonly name: string;
  readonly modelDir: string;
  /** The `data` field of the MLmodel's `onnx` flavor: the model file, relative to modelDir. */
  readonly dataFile: string;
  readonly logger?: Logger;
  readonly sessionOptions?: OrtSessionOptions;
  /** The onnxruntime binding; onnxruntime-node, loaded on first use, by default. */
  readonly ort?: OrtModule;
}

/** An ONNX model scored in-process by ONNX Runtime. */
export class OnnxModelRuntime implements ModelRuntime {
  static async load(options: OnnxRuntimeOptions): Promise<OnnxModelRuntime> {
    const dir = resolve(options.modelDir);
    const file = resolve(dir, options.dataFile);
    const inside = relative(dir, file);
    if (inside === '' || inside.startsWith('..') || resolve(dir, inside) !== file) {
      throw new Error(`model "${options.name}": the ONNX data file ${options.dataFile} is not inside ${dir}`);
    }
    const ort = options.ort ?? (await loadOnnxRuntimeNode());
    const { model, classLabels } = unzipMapOutputs(await readFile(file));
    const session = await ort.InferenceSession.create(model, options.sessionOptions).catch((error: Error) => {
      throw new Error(`model "${options.name}": ONNX Runtime could not load ${file}: ${error.message}`);
    });
    return new OnnxModelRuntime(options, ort, session, classLabels);
  }

  readonly description: string;
  /** The outputs predictions are made of: every tensor output of the model. */
  readonly outputs: readonly string[];
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly options: OnnxRuntimeOptions,
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    private readonly classLabels: ReadonlyMap<string, readonly (string | number)[]>,
  ) {
    this.description = `onnx ${resolve(options.modelDir, options.dataFile)}`;
    const tensors = new Set(session.outputMetadata.filter((m) => m.isTensor).map((m) => m.name));
    this.outputs = session.outputNames.filter((name) => tensors.has(name));
    const skipped = session.outputNames.filter((name) => !tensors.has(name));
    if (skipped.length > 0) {
      (options.logger ?? silentLogger).warn(
        `[${options.name}] ONNX outputs ${skipped.join(', ')} are not tensors and onnxruntime-node cannot return them; predictions leave them out`,
      );
    }
  }

  async predict(batch: Batch): Promise<Predictions> {
    if (this.closed) throw new Error(`model "${this.options.name}": the runtime is closed`);
    checkBatch(batch);
    if (batch.rows === 0) return { names: [], data: [] };
    const run = this.score(batch);
    this.running.add(run);
    try {
      return await run;
    } finally {
      this.running.delete(run);
    }
  }

  /** Lets running predictions finish, then frees the session; later ones fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.running]);
    await this.session.release();
  }

  private async score(batch: Batch): Promise<Predictions> {
    try {
      const feeds = feedsFor(this.ort, batch, this.session.inputMetadata);
      const results = await this.session.run(feeds, this.outputs);
      const columns = this.outputs.flatMap((output) => outputColumns(output, results[output], batch.rows, this.classLabels.get(output)));
      return { names: columns.map(([column]) => column), data: columns.map(([, values]) => values) };
    } catch (error) {
      throw new Error(`model "${this.options.name}": ${(error as Error).message}`);
    }
  }
}
