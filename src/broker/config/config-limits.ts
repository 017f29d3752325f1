/**
 * Upper bounds on the config's sizes: a typo such as `workers: 100000` must be refused at load,
 * not discovered as hundreds of Python processes eating the machine's memory.
 */
import type { UpperBound } from './config-reader.js';

export const MAX_WORKERS: UpperBound = {
  max: 32,
  why: 'each worker is a Python process holding its own copy of the model (use batch_size for throughput)',
};

export const MAX_BATCH_SIZE: UpperBound = {
  max: 10_000,
  why: 'up to three batches of alerts (with their cutouts) are held in memory at once',
};

export const MAX_MODULE_BATCH_SIZE: UpperBound = {
  max: 10_000,
  why: "a module's batch is sent to its model in one call and held in memory with its features",
};

export const MAX_TIMEOUT_MS: UpperBound = {
  max: 3_600_000,
  why: 'the timeout is what frees a hung worker; a longer one lets a stuck model stall the run for hours',
};
