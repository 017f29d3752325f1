import { silentLogger, type Logger } from '../../common/logger.js';
import type { PythonEnvironment } from '../environment-builder.js';
import type { Batch, ModelRuntime, Predictions } from '../model-runtime.js';
import { Sandbox } from '../sandbox/sandbox.js';
import { checkBatch, concatPredictions, sliceBatch } from './batch-slices.js';
import { describeExit, WorkerError, type WorkerExit } from './worker-errors.js';
import type { SpareWorkers } from './spare-workers.js';
import { WorkerProcess, type WorkerProcessOptions } from './worker-process.js';
import { describeStartup, workerStartup, type WorkerStartup } from './worker-startup.js';

export interface WorkerPoolOptions {
  /** The model's name, in logs and errors. */
  readonly name: string;
  readonly modelDir: string;
  readonly environment: PythonEnvironment;
  /** Worker processes, each holding the model once (default 1). */
  readonly workers?: number;
  /** Most rows sent to a worker at once; larger batches are split and the answers joined (default 1000). */
  readonly batchSize?: number;
  /** Per slice, from when a worker takes it; the worker is then killed and restarted (default 60 s). */
  readonly timeoutMs?: number;
  /** Address-space limit of each worker (RLIMIT_AS), set before the model loads; unset means none.
   * It counts every mapping, not resident memory: MLflow and scikit-learn alone take ~1.6 GB. */
  readonly memoryLimitMb?: number;
  readonly logger?: Logger;
  /** From spawn to loaded model (default 120 s). */
  readonly startupTimeoutMs?: number;
  /** Delay before restarting a dead worker: initial, doubled per consecutive failure, up to max (default 250 ms to 30 s). */
  readonly restartBackoffMs?: { readonly initial: number; readonly max: number };
  /** How long close() waits after closing stdin, then after SIGTERM, before SIGKILL (default 5 s). */
  readonly shutdownGraceMs?: number;
  /** How workers are confined (default: Sandbox.fromEnv(), probed once for the pool). */
  readonly sandbox?: Sandbox;
  /** Keep the host's network inside the sandbox. */
  readonly network?: boolean;
  /** Workers start from this environment's spare when there is one, and a spare is kept ready
   * for the next pool in the environment (only for MLflow models: a spare imports MLflow). */
  readonly spares?: SpareWorkers;
}

export interface WorkerStatus {
  readonly state: 'starting' | 'idle' | 'busy' | 'down';
  readonly pid?: number;
  readonly restarts: number;
}

interface Task {
  readonly batch: Batch;
  readonly job: { failed: boolean };
  attempts: number;
  settle(error: Error | undefined, result?: Predictions): void;
}

interface Slot {
  worker?: WorkerProcess;
  task?: Task;
  starting?: Promise<void>;
  timer?: NodeJS.Timeout;
  failures: number;
  restarts: number;
}

/**
 * A model served by N Python workers. Batches wait in one queue and are cut into slices of
 * `batchSize` rows; each idle worker takes the next slice. A worker that dies is restarted
 * with exponential backoff, and the slice it held is retried once on another or a new worker.
 */
export class WorkerPool implements ModelRuntime {
  /** Starts every worker; fails (and stops the others) if one cannot load the model. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      await Promise.all(pool.slots.map((slot) => pool.startWorker(slot)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    options.spares?.prepare(pool.processOptions(), pool.slots[0]?.worker?.info?.modules);
    return pool;
  }

  readonly description: string;
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private readonly logger: Logger;
  private closed = false;
  private readonly sandbox: Sandbox;

  private constructor(private readonly options: WorkerPoolOptions) {
    this.sandbox = options.sandbox ?? Sandbox.fromEnv();
    this.description = `python-worker ${options.modelDir}`;
    this.logger = options.logger ?? silentLogger;
    this.slots = Array.from({ length: Math.max(1, options.workers ?? 1) }, () => ({ failures: 0, restarts: 0 }));
  }

  async predict(batch: Batch): Promise<Predictions> {
    if (this.closed) throw new WorkerError('closed', this.options.name, 'the runtime is closed');
    checkBatch(batch);
    if (batch.rows === 0) return { names: [], data: [] };
    const job = { failed: false };
    const slices = sliceBatch(batch, Math.max(1, this.options.batchSize ?? 1000));
    const answers = slices.map(
      (slice) =>
        new Promise<Predictions>((resolve, reject) => {
          let settled = false;
          const settle = (error: Error | undefined, result?: Predictions) => {
            if (settled) return;
            settled = true;
            if (error) reject(error);
            else resolve(result!);
          };
          this.queue.push({ batch: slice, job, attempts: 0, settle });
        }),
    );
    this.dispatch();
    try {
      return concatPredictions(await Promise.all(answers));
    } catch (error) {
      job.failed = true; // the job's slices still queued are dropped
      answers.forEach((answer) => answer.catch(() => {}));
      throw error;
    }
  }

  workers(): WorkerStatus[] {
    return this.slots.map((slot) => ({
      state: slot.task ? 'busy' : slot.worker?.alive ? 'idle' : slot.starting ? 'starting' : 'down',
      pid: slot.worker?.alive ? slot.worker.pid : undefined,
      restarts: slot.restarts,
    }));
  }

  /** How the workers running now started (spawn to ready, and its parts). */
  startups(): WorkerStartup[] {
    return this.slots.flatMap((slot) => (slot.worker?.alive && slot.worker.info ? [workerStartup(slot.worker.info)] : []));
  }

  workerRestarts(): number {
    return this.slots.reduce((sum, slot) => sum + slot.restarts, 0);
  }

  /** Fails queued and running batches, then stops every worker (stdin, SIGTERM, SIGKILL). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closedError = new WorkerError('closed', this.options.name, 'the runtime was closed before the batch was scored');
    for (const task of this.queue.splice(0)) task.settle(closedError);
    const grace = this.options.shutdownGraceMs ?? 5000;
    await Promise.all(
      this.slots.map(async (slot) => {
        clearTimeout(slot.timer);
        slot.task?.settle(closedError);
        await slot.starting?.catch(() => {});
        await slot.worker?.stop(grace);
      }),
    );
  }

  private processOptions(): WorkerProcessOptions {
    const o = this.options;
    return {
      name: o.name,
      modelDir: o.modelDir,
      environment: o.environment,
      memoryLimitMb: o.memoryLimitMb,
      startupTimeoutMs: o.startupTimeoutMs ?? 120_000,
      logger: this.logger,
      sandbox: this.sandbox,
      network: o.network,
    };
  }

  /** From the environment's spare when there is one (a spare that fails falls back to a new process). */
  private async spawnWorker(): Promise<{ worker: WorkerProcess; spare: boolean }> {
    const options = this.processOptions();
    const adopted = await this.options.spares?.adopt(options).catch((error: Error) => {
      this.logger.warn(`[${options.name}] a spare worker could not load the model (${error.message.split('\n')[0]}); starting a new one`);
      return undefined;
    });
    return adopted ? { worker: adopted, spare: true } : { worker: await WorkerProcess.start(options), spare: false };
  }

  private startWorker(slot: Slot): Promise<void> {
    const o = this.options;
    const starting = this.spawnWorker().then(async ({ worker, spare }) => {
      if (this.closed) {
        await worker.stop(0);
        return;
      }
      const info = worker.info!;
      const from = spare ? ' (a spare: started and MLflow imported beforehand)' : '';
      this.logger.info(`[${o.name}] worker pid ${worker.pid} ${describeStartup(workerStartup(info), `${info.flavor} model`)}${from} (python ${info.python}, mlflow ${info.mlflow})`);
      slot.worker = worker;
      void worker.exited.then((exit) => this.onExit(slot, worker, exit));
      this.dispatch();
    });
    slot.starting = starting;
    return starting.finally(() => {
      if (slot.starting === starting) slot.starting = undefined;
    });
  }

  private onExit(slot: Slot, worker: WorkerProcess, exit: WorkerExit): void {
    if (slot.worker !== worker || this.closed) return;
    slot.worker = undefined;
    this.logger.warn(`[${this.options.name}] worker pid ${worker.pid} ${describeExit(exit)}; restarting it`);
    this.scheduleRestart(slot);
  }

  private scheduleRestart(slot: Slot): void {
    const { initial, max } = this.options.restartBackoffMs ?? { initial: 250, max: 30_000 };
    const delay = Math.min(initial * 2 ** slot.failures, max);
    slot.failures++;
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (this.closed) return;
      slot.restarts++;
      this.startWorker(slot).catch((error: Error) => {
        this.logger.error(`[${this.options.name}] could not restart a worker: ${error.message}`);
        if (!this.slots.some((s) => s.worker?.alive)) {
          for (const task of this.queue.splice(0)) task.settle(error); // nothing can score them now
        }
        if (!this.closed) this.scheduleRestart(slot);
      });
    }, delay);
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.slots.find((s) => s.worker?.alive && !s.task);
      if (!slot) return;
      const task = this.queue.shift()!;
      if (task.job.failed) {
        task.settle(new WorkerError('closed', this.options.name, 'another slice of the batch failed'));
        continue;
      }
      this.run(slot, slot.worker!, task);
    }
  }

  private run(slot: Slot, worker: WorkerProcess, task: Task): void {
    slot.task = task;
    task.attempts++;
    worker.predict(task.batch, this.options.timeoutMs ?? 60_000).then(
      (result) => {
        slot.task = undefined;
        slot.failures = 0;
        task.settle(undefined, { names: result.names, data: result.data });
        this.dispatch();
      },
      (error: Error) => {
        if (slot.task === task) slot.task = undefined;
        const died = error instanceof WorkerError && error.details.exit !== undefined && error.kind !== 'closed';
        if (died && task.attempts < 2 && !this.closed && !task.job.failed) {
          this.logger.warn(`[${this.options.name}] ${error.message.split('\n')[0]}; retrying the batch once`);
          this.queue.unshift(task);
        } else {
          task.settle(died && error instanceof WorkerError ? error.afterRetry() : error);
        }
        this.dispatch();
      },
    );
  }
}
