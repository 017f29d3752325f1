/** Why a prediction through a Python worker failed; `kind` lets callers tell them apart. */
export type WorkerFailureKind =
  /** The model raised: `exceptionType`, `traceback` say what. */
  | 'model-error'
  /** The model raised MemoryError, or the worker died in a way that points at memory. */
  | 'out-of-memory'
  /** The batch took longer than the pool's timeout; its worker was killed. */
  | 'timeout'
  /** The worker exited or was killed while scoring (after the one retry). */
  | 'crash'
  /** The worker could not start or load the model. */
  | 'start'
  /** The runtime was closed before the batch was scored. */
  | 'closed'
  /** The worker answered something the protocol does not allow. */
  | 'protocol';

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last lines the worker wrote to stderr. */
  readonly stderrTail: string;
  /** What Aviary saw go wrong first (EPIPE, a protocol error, a kill after a timeout), if anything. */
  readonly cause?: string;
}

export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  constructor(
    readonly kind: WorkerFailureKind,
    readonly model: string,
    message: string,
    readonly details: { exceptionType?: string; traceback?: string; exit?: WorkerExit } = {},
  ) {
    super(`model "${model}": ${message}`);
    this.reason = message;
  }

  /** The message without the model's name. */
  readonly reason: string;

  /** The same failure, saying that the batch had already been retried once. */
  afterRetry(): WorkerError {
    return new WorkerError(this.kind, this.model, `${this.reason}\n(the batch failed twice: it had been retried once on another worker)`, this.details);
  }
}

export function describeExit(exit: WorkerExit): string {
  if (exit.code === null && exit.signal === null) return `did not run (${exit.cause ?? 'no reason given'})`;
  let how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  if (exit.signal === 'SIGKILL' && exit.cause === undefined) how += ' (not sent by Aviary: often the kernel\'s out-of-memory killer)';
  return exit.cause ? `${how} (${exit.cause})` : how;
}

const MEMORY_HINTS = /MemoryError|bad_alloc|Cannot allocate memory|out of memory|OOM/i;

/** Whether a worker's death looks like memory running out, from what it last wrote. */
export function looksLikeOutOfMemory(exit: WorkerExit): boolean {
  return MEMORY_HINTS.test(exit.stderrTail);
}

export function withStderr(message: string, exit: WorkerExit): string {
  return exit.stderrTail ? `${message}; last stderr lines:\n${exit.stderrTail}` : `${message}; it wrote nothing to stderr`;
}
