/**
 * Drives baseline.py: the plain Python process in the model's own environment, spawned with
 * the variables a worker gets (workerEnv: one BLAS/OpenMP thread), asked for one timing at a
 * time over JSON lines so that its loops interleave with the TypeScript side's.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { join } from 'node:path';
import type { PythonEnvironment } from '../../src/runtime/environment-builder.js';
import { workerEnv } from '../../src/runtime/worker/worker-env.js';
import { here, type BenchModel } from './bench-model.js';
import type { Budget } from './measure.js';

export type BaselineTarget = 'pyfunc' | 'sklearn';

/** Median ms of each step of the worker's PREDICT handling, and beside them, timed in the same loop in the baseline process. */
export interface WorkerStages {
  readonly decode: number;
  /** Model.predict's DataFrame for an all-float64 batch: one frombuffer over the block, the cached column Index. */
  readonly dataframe: number;
  readonly pyfunc_predict: number;
  readonly output_columns: number;
  readonly encode: number;
  /** pyfunc predict on the baseline's DataFrame (built from a 2-D array). */
  readonly pyfunc_predict_2d: number;
  readonly sklearn_predict: number;
  /** Per iteration, pyfunc predict on the worker's DataFrame minus on the 2-D one. */
  readonly frame_effect: number;
  /** For comparison, the DataFrame as the worker built it before the block: one frombuffer per column, pd.DataFrame of the dict. */
  readonly dataframe_per_column: number;
}

export class BaselineProcess {
  static async start(environment: PythonEnvironment, model: BenchModel): Promise<BaselineProcess> {
    const args = [join(here, 'baseline.py'), '--model-dir', model.sklearnDir, '--features', model.featuresFile, '--meta', model.metaFile];
    args.push('--worker-dir', join(here, '../../src/runtime/python'));
    const child = spawn(environment.python, args, { stdio: ['pipe', 'pipe', 'pipe'], env: workerEnv(environment) });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const process = new BaselineProcess(child, () => stderr);
    const hello = (await process.next()) as { load_ms: number; versions: Record<string, string> };
    process.loadMs = hello.load_ms;
    process.versions = hello.versions;
    return process;
  }

  loadMs = 0;
  versions: Record<string, string> = {};

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private readonly lines: AsyncIterator<string>;
  private readonly reader: Interface;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly stderr: () => string,
  ) {
    this.reader = createInterface({ input: child.stdout });
    this.lines = this.reader[Symbol.asyncIterator]();
  }

  async time(target: BaselineTarget, rows: number, budget: Budget): Promise<number[]> {
    return ((await this.ask({ op: 'time', target, rows, ...budget })) as { samples: number[] }).samples;
  }

  async stages(rows: number, iterations: number): Promise<WorkerStages> {
    return (await this.ask({ op: 'stages', rows, iterations })) as unknown as WorkerStages;
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    this.reader.close();
    if (this.child.exitCode === null) await new Promise((done) => this.child.once('exit', done));
  }

  private async ask(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const answer = await this.next();
    if (typeof answer.error === 'string') throw new Error(`baseline.py: ${answer.error}`);
    return answer;
  }

  private async next(): Promise<Record<string, unknown>> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`baseline.py ended (exit ${this.child.exitCode}); its stderr ends:\n${this.stderr()}`);
    return JSON.parse(value) as Record<string, unknown>;
  }
}
