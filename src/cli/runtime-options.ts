/** The flags of every command that runs a model: workers, batches, limits and the environment cache. */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Logger } from '../common/logger.js';
import { defaultCacheRoot } from '../runtime/environments/cache-layout.js';
import { UvEnvironmentBuilder } from '../runtime/environments/uv-environment-builder.js';
import type { LoadModelOptions } from '../runtime/load-model.js';
import type { ModelStore } from '../runtime/model-source.js';
import { Sandbox } from '../runtime/sandbox/sandbox.js';
import { sandboxOptionsFromEnv } from '../runtime/sandbox/sandbox-options.js';

export interface RuntimeOptions {
  workers: number;
  batchSize: number;
  /** Seconds. */
  timeout: number;
  memoryLimitMb?: number;
  cacheDir?: string;
  /** Let the model's workers reach the network (the sandbox gives them none). */
  network?: boolean;
  requireSandbox?: boolean;
}

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
};

export function addRuntimeOptions(command: Command): Command {
  return command
    .option('--workers <n>', 'Python worker processes, each holding the model', positiveInteger, 1)
    .option('--batch-size <rows>', 'most rows a worker scores at once', positiveInteger, 1000)
    .option('--timeout <seconds>', 'per batch: a worker that takes longer is killed and restarted', positiveInteger, 60)
    .option('--memory-limit-mb <mb>', "each worker's address-space limit (counts every mapping, not resident memory)", positiveInteger)
    .option('--cache-dir <dir>', 'the environment cache (default: ${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/aviary})')
    .option('--network', "let the model's workers reach the network (the model sandbox gives them none)")
    .option('--require-sandbox', 'refuse to start unless every layer of the model sandbox is on');
}

/** The model sandbox of a command: its layers logged in one line; refused (an error) if required and incomplete. */
export function openSandbox(opts: { requireSandbox?: boolean }, logger: Logger): Sandbox {
  return Sandbox.open(sandboxOptionsFromEnv(process.env, { require: opts.requireSandbox === true }), logger);
}

export function loadOptionsFrom(opts: RuntimeOptions, aviary: ModelStore | undefined, logger: Logger): LoadModelOptions {
  return {
    aviary,
    builder: new UvEnvironmentBuilder({ cacheRoot: opts.cacheDir ? resolve(opts.cacheDir) : defaultCacheRoot(), useUv: process.env.AVIARY_NO_UV !== '1' }),
    workers: opts.workers,
    batchSize: opts.batchSize,
    timeoutMs: opts.timeout * 1000,
    memoryLimitMb: opts.memoryLimitMb,
    sandbox: openSandbox(opts, logger),
    network: opts.network === true,
    logger,
    progress: (line) => process.stderr.write(`${line}\n`),
  };
}
