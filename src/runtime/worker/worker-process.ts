import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../../common/logger.js';
import type { PythonEnvironment } from '../environment-builder.js';
import type { Batch, Predictions } from '../model-runtime.js';
import { Sandbox, signalOfBwrapExit } from '../sandbox/sandbox.js';
import { decodeTable, encodeTable } from './batch-codec.js';
import { encodeFrame, FrameDecoder, FrameType, type Frame } from './frame-codec.js';
import { describeExit, looksLikeOutOfMemory, withStderr, WorkerError, type WorkerExit } from './worker-errors.js';
import { killGroup, workerEnv } from './worker-env.js';
import { workerScriptPath } from './worker-script.js';
import { WorkerStderr } from './worker-stderr.js';

export interface WorkerProcessOptions {
  /** The model's name: prefixes the worker's stderr lines and every error. */
  readonly name: string;
  readonly modelDir: string;
  readonly environment: PythonEnvironment;
  /** Passed to the worker, which sets RLIMIT_AS before loading the model. */
  readonly memoryLimitMb?: number;
  /** From spawn to the Ready frame: importing MLflow alone takes seconds. */
  readonly startupTimeoutMs: number;
  readonly logger: Logger;
  /** How the worker is confined (default: Sandbox.fromEnv(), the defaults without a report). */
  readonly sandbox?: Sandbox;
  /** Keep the host's network inside the sandbox (a module's `network: true`). */
  readonly network?: boolean;
}

/** A spare: started before its model is known, in `dropDir` (bound read-only in the sandbox),
 * where the model's files are put when it is given one (spare-workers.ts). */
export type SpareProcessOptions = Omit<WorkerProcessOptions, 'modelDir'> & { readonly dropDir: string };

/** What the worker said in its Ready frame. */
export interface WorkerInfo {
  readonly pid: number;
  /** From spawn to the Ready frame, as the host measured it. */
  readonly readyMs: number;
  /** `import mlflow` (0 for a preprocessing step). */
  readonly importMs: number;
  /** The model's load, after its imports. */
  readonly loadMs: number;
  /** From the worker script's first line to Ready: readyMs minus this is the interpreter's (and the sandbox's) start. */
  readonly mainMs: number;
  readonly python: string;
  readonly mlflow: string;
  readonly flavor: string;
  readonly loaderModule: string | null;
  /** Sources of the environment imported without bytecode (a sandboxed worker cannot write it). */
  readonly uncompiled: readonly string[];
  /** The environment's modules it imported, in order: what a spare of this environment imports ahead. */
  readonly modules: readonly string[];
}

export interface WorkerPredictions extends Predictions {
  /** Time spent in the worker, decoding included, as it measured it. */
  readonly workerMs?: number;
}

interface Pending {
  resolve(frame: Frame): void;
  reject(error: Error): void;
  rows: number;
  timer?: NodeJS.Timeout;
}

/**
 * One Python worker serving one model. It answers requests in order; the pool gives it one
 * batch at a time. Spawned in its own process group so that stopping it also stops whatever
 * the model started.
 */
export class WorkerProcess {
  /** Spawns a worker and waits for its Ready frame; a failure kills what was spawned. */
  static async start(options: WorkerProcessOptions): Promise<WorkerProcess> {
    if (!statSync(options.modelDir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new WorkerError('start', options.name, `the model folder ${resolve(options.modelDir)} does not exist`);
    }
    const worker = new WorkerProcess(options);
    try {
      await worker.ready;
    } catch (error) {
      await worker.stop(0);
      throw error;
    }
    return worker;
  }

  /** Spawns a spare: it imports MLflow, then waits for adopt(). */
  static spare(options: SpareProcessOptions): WorkerProcess {
    return new WorkerProcess({ ...options, modelDir: options.dropDir }, true);
  }

  readonly pid: number;
  /** Settles once, when the process has exited and its stderr is read. */
  readonly exited: Promise<WorkerExit>;
  info: WorkerInfo | undefined;
  private readonly child: ChildProcessWithoutNullStreams;
  private ready: Promise<void> | undefined;
  private readonly decoder = new FrameDecoder();
  private readonly pending = new Map<number, Pending>();
  private readonly stderr: WorkerStderr;
  private nextId = 1;
  private cause: string | undefined;
  private stopping = false;
  private exit: WorkerExit | undefined;
  private onReady: Pending | undefined;
  private readonly sandbox: Sandbox;
  private readonly viaBwrap: boolean;
  private spawnedAt = performance.now();

  private constructor(
    private options: WorkerProcessOptions,
    spare = false,
  ) {
    this.stderr = new WorkerStderr(options.name, options.logger);
    this.sandbox = options.sandbox ?? Sandbox.fromEnv();
    const script = workerScriptPath();
    const modelDir = resolve(options.modelDir);
    const args = spare ? ['-u', script, '--spare'] : ['-u', script, '--model-dir', modelDir];
    if (options.memoryLimitMb) args.push('--memory-limit-mb', String(options.memoryLimitMb));
    // A python that does not exist is spawned as is, so that the failure names it, not the sandbox.
    const command = existsSync(options.environment.python)
      ? this.sandbox.command({
          python: options.environment.python,
          args,
          env: workerEnv(options.environment),
          cwd: modelDir,
          readOnly: [modelDir, options.environment.dir, dirname(script)],
          memoryLimitMb: options.memoryLimitMb,
          network: options.network,
        })
      : { file: options.environment.python, args, env: workerEnv(options.environment), viaBwrap: false };
    this.viaBwrap = command.viaBwrap;
    this.child = spawn(command.file, command.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: command.env,
      cwd: modelDir,
      detached: true,
    });
    this.pid = this.child.pid ?? -1;
    if (!spare) this.ready = this.readyFrame();
    this.exited = new Promise((resolveExit) => {
      this.child.once('exit', (code, signal) => {
        killGroup(this.pid, 'SIGKILL'); // what the model started dies with the worker
        // Let stderr drain, unless a process the model started still holds it open.
        const drained = this.child.stderr.readableEnded ? Promise.resolve() : once(this.child.stderr, 'end').catch(() => {});
        void Promise.race([drained, sleep(200)]).then(() => resolveExit(this.finish(code, signal)));
      });
      this.child.once('error', (error) => {
        if (this.child.pid === undefined) resolveExit(this.finish(null, null, `could not start ${options.environment.python}: ${error.message}`));
      });
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.child.stdin.on('error', (error) => this.kill('SIGKILL', `writing to the worker failed: ${error.message}`));
  }

  /** A spare's model: `modelDir` (inside its drop folder) is loaded by the waiting worker; resolves
   * once it is ready, as start() does (readyMs then counts from here); a failure stops the worker. */
  async adopt(name: string, modelDir: string): Promise<void> {
    if (this.ready) throw new Error(`worker pid ${this.pid} already has a model`);
    this.options = { ...this.options, name, modelDir };
    this.stderr.rename(name);
    this.spawnedAt = performance.now();
    this.ready = this.readyFrame();
    if (!this.exit) this.child.stdin.write(encodeFrame(FrameType.Load, 0, Buffer.from(resolve(modelDir), 'utf8')));
    try {
      await this.ready;
    } catch (error) {
      await this.stop(0);
      throw error;
    }
  }

  /** A spare imports these modules while it waits (see FrameType.Preload). */
  preload(modules: readonly string[]): void {
    if (!this.exit && !this.ready && modules.length > 0) this.child.stdin.write(encodeFrame(FrameType.Preload, 0, Buffer.from(JSON.stringify(modules), 'utf8')));
  }

  private readyFrame(): Promise<void> {
    if (this.exit) return Promise.reject(this.exitError(this.exit, 0));
    return new Promise<void>((resolveReady, rejectReady) => {
      const timer = setTimeout(() => {
        this.kill('SIGKILL', `not ready within ${this.options.startupTimeoutMs} ms`);
      }, this.options.startupTimeoutMs);
      this.onReady = { resolve: () => resolveReady(), reject: rejectReady, rows: 0, timer };
    });
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Scores one batch. Rejects with a WorkerError: model-error or out-of-memory (the worker
   * goes on), timeout (the worker is killed), crash or closed. */
  async predict(batch: Batch, timeoutMs: number): Promise<WorkerPredictions> {
    const frame = await this.request(FrameType.Predict, encodeTable(batch.params ? { ...batch, meta: { params: batch.params } } : batch), timeoutMs, batch.rows);
    if (frame.type === FrameType.Error) throw this.modelError(frame);
    if (frame.type !== FrameType.Result) throw this.protocolError(frame);
    const table = decodeTable(frame.payload);
    if (table.rows !== batch.rows) throw new WorkerError('protocol', this.options.name, `${table.rows} rows answered for ${batch.rows}`);
    const workerMs = table.meta?.['predict_ms'];
    return { names: table.columns, data: table.data, workerMs: typeof workerMs === 'number' ? workerMs : undefined };
  }

  /** Round trip of a Ping, in milliseconds. */
  async ping(timeoutMs: number): Promise<number> {
    const t0 = performance.now();
    const frame = await this.request(FrameType.Ping, new Uint8Array(0), timeoutMs, 0);
    if (frame.type !== FrameType.Pong) throw this.protocolError(frame);
    return performance.now() - t0;
  }

  /** Closes stdin (the worker exits when it has read everything), then SIGTERM, then SIGKILL. */
  async stop(graceMs: number): Promise<WorkerExit> {
    if (this.exit) return this.exit;
    this.stopping = true;
    this.cause ??= 'stopped by Aviary';
    this.child.stdin.end();
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const done = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (done) break;
      this.signalGroup(signal);
    }
    return this.exited;
  }

  /** Kills the worker and what it started; `cause` is what errors will report. */
  kill(signal: NodeJS.Signals, cause: string): void {
    this.cause ??= cause;
    this.signalGroup(signal);
  }

  private request(type: number, payload: Uint8Array, timeoutMs: number, rows: number): Promise<Frame> {
    if (this.exit) return Promise.reject(this.exitError(this.exit, rows));
    const id = this.nextId++;
    return new Promise<Frame>((resolveFrame, reject) => {
      const entry: Pending = { resolve: resolveFrame, reject, rows };
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          const what = rows > 0 ? `a batch of ${rows} rows` : 'a ping';
          this.kill('SIGKILL', `timed out after ${timeoutMs} ms`);
          reject(
            new WorkerError('timeout', this.options.name, `${what} timed out after ${timeoutMs} ms; the worker (pid ${this.pid}) was killed`),
          );
        }, timeoutMs);
      }
      this.pending.set(id, entry);
      this.child.stdin.write(encodeFrame(type, id, payload));
    });
  }

  private onStdout(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.kill('SIGKILL', `protocol error: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) this.onFrame(frame);
  }

  private onFrame(frame: Frame): void {
    if (frame.type === FrameType.Ready || (frame.type === FrameType.Error && frame.id === 0 && !this.info)) {
      const waiter = this.onReady;
      this.onReady = undefined;
      clearTimeout(waiter?.timer);
      if (frame.type === FrameType.Error) {
        const error = parseJson(frame.payload);
        const limit = error.oom === true && this.options.memoryLimitMb ? ` (memory limit ${this.options.memoryLimitMb} MB)` : '';
        waiter?.reject(
          new WorkerError('start', this.options.name, `could not load ${this.options.modelDir}${limit}: ${error.type}: ${error.message}\n${error.traceback ?? ''}`.trimEnd(), {
            exceptionType: String(error.type),
            traceback: String(error.traceback ?? ''),
          }),
        );
        return;
      }
      const ready = parseJson(frame.payload);
      this.info = {
        pid: Number(ready.pid),
        readyMs: performance.now() - this.spawnedAt,
        importMs: Number(ready.import_ms ?? 0),
        loadMs: Number(ready.load_ms),
        mainMs: Number(ready.main_ms ?? 0),
        python: String(ready.python),
        mlflow: String(ready.mlflow),
        flavor: String(ready.flavor),
        loaderModule: typeof ready.loader_module === 'string' ? ready.loader_module : null,
        uncompiled: Array.isArray(ready.uncompiled) ? ready.uncompiled.map(String) : [],
        modules: Array.isArray(ready.modules) ? ready.modules.map(String) : [],
      };
      if (this.info.uncompiled.length > 0) void this.sandbox.compileBytecode(this.options.environment, this.info.uncompiled, this.options.logger);
      waiter?.resolve(frame);
      return;
    }
    const entry = this.pending.get(frame.id);
    if (!entry) {
      this.options.logger.warn(`[${this.options.name}] worker pid ${this.pid} answered unknown request ${frame.id}`);
      return;
    }
    this.pending.delete(frame.id);
    clearTimeout(entry.timer);
    entry.resolve(frame);
  }

  private finish(code: number | null, signal: NodeJS.Signals | null, cause?: string): WorkerExit {
    if (this.exit) return this.exit;
    this.stderr.end();
    const killed = this.viaBwrap && signal === null ? signalOfBwrapExit(code) : null;
    if (killed) [code, signal] = [null, killed];
    const exit: WorkerExit = { code, signal, stderrTail: this.stderr.tail(), cause: cause ?? this.cause };
    this.exit = exit;
    if (this.onReady) {
      clearTimeout(this.onReady.timer);
      this.onReady.reject(new WorkerError('start', this.options.name, withStderr(`the worker ${describeExit(exit)} before it was ready`, exit), { exit }));
    }
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      clearTimeout(entry.timer);
      entry.reject(this.exitError(exit, entry.rows));
    }
    return exit;
  }

  private exitError(exit: WorkerExit, rows: number): WorkerError {
    const kind = this.stopping ? 'closed' : looksLikeOutOfMemory(exit) ? 'out-of-memory' : 'crash';
    const during = rows > 0 ? ` (batch of ${rows} rows)` : '';
    const limit = kind === 'out-of-memory' && this.options.memoryLimitMb ? `, memory limit ${this.options.memoryLimitMb} MB` : '';
    return new WorkerError(kind, this.options.name, withStderr(`the worker (pid ${this.pid}${limit}) ${describeExit(exit)}${during}`, exit), { exit });
  }

  private modelError(frame: Frame): WorkerError {
    const error = parseJson(frame.payload);
    const type = String(error.type);
    const traceback = String(error.traceback ?? '');
    if (error.oom === true) {
      const limit = this.options.memoryLimitMb ? ` (memory limit ${this.options.memoryLimitMb} MB)` : '';
      return new WorkerError('out-of-memory', this.options.name, `ran out of memory${limit}: ${type} ${error.message}`.trimEnd(), {
        exceptionType: type,
        traceback,
      });
    }
    return new WorkerError('model-error', this.options.name, `predict raised ${type}: ${error.message}`, { exceptionType: type, traceback });
  }

  private protocolError(frame: Frame): WorkerError {
    this.kill('SIGKILL', `protocol error: unexpected frame type ${frame.type}`);
    return new WorkerError('protocol', this.options.name, `the worker answered a frame of type ${frame.type}`);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.exit || this.pid < 0) return;
    if (!killGroup(this.pid, signal)) this.child.kill(signal);
  }
}

function parseJson(payload: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
  } catch {
    return { type: 'ProtocolError', message: `unreadable JSON payload: ${payload.subarray(0, 200).toString('utf8')}` };
  }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms).unref());
