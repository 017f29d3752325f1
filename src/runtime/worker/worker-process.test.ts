// Start-up failures, with stand-ins for the environment's python: no MLflow needed, so fast.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { Sandbox } from '../sandbox/sandbox.js';
import { DEFAULT_SANDBOX_OPTIONS } from '../sandbox/sandbox-options.js';
import { isRunning, until } from '../testing/processes.js';
import { WorkerError } from './worker-errors.js';
import { WorkerProcess } from './worker-process.js';

const dir = mkdtempSync(join(tmpdir(), 'aviary-worker-process-'));

function fakePython(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function startError(python: string, startupTimeoutMs = 5000, sandbox?: Sandbox): Promise<WorkerError> {
  const started = WorkerProcess.start({
    name: 'fake',
    modelDir: dir,
    environment: { python, dir, hash: 'fake' },
    startupTimeoutMs,
    logger: silentLogger,
    ...(sandbox ? { sandbox } : {}),
  });
  const error = await started.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkerError);
  expect((error as WorkerError).kind).toBe('start');
  return error as WorkerError;
}

describe('WorkerProcess start-up', () => {
  it('kills a worker that is not ready in time, and what it started', async () => {
    // Unconfined: a sandboxed worker could not write child.pid where this test reads it (and its
    // children die with its pid namespace: src/runtime/sandbox/sandbox.test.ts).
    const python = fakePython('slow', `sleep 30 & echo $! > "${dir}/child.pid"; wait`);
    const error = await startError(python, 300, Sandbox.open({ ...DEFAULT_SANDBOX_OPTIONS, enabled: false }));
    expect(error.message).toMatch(/^model "fake": the worker was killed by SIGKILL \(not ready within 300 ms\) before it was ready/);
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
    await until(() => !isRunning(child), 2000);
  });

  it('reports a worker that exits before it is ready, with its stderr', async () => {
    const error = await startError(fakePython('exits', `echo "ModuleNotFoundError: No module named 'mlflow'" >&2; exit 1`));
    expect(error.message).toBe(
      `model "fake": the worker exited with code 1 before it was ready; last stderr lines:\nModuleNotFoundError: No module named 'mlflow'`,
    );
  });

  it('stops a worker that writes something other than frames', async () => {
    const error = await startError(fakePython('chatty', 'echo "Hello from a sitecustomize"; sleep 30'));
    expect(error.message).toContain('was killed by SIGKILL (protocol error: bad frame header');
  });

  it('names a python that cannot be run, and a model folder that does not exist', async () => {
    const error = await startError(join(dir, 'no-such-python'));
    expect(error.message).toContain(`did not run (could not start ${join(dir, 'no-such-python')}`);
    await expect(
      WorkerProcess.start({ name: 'fake', modelDir: join(dir, 'nowhere'), environment: { python: 'python3', dir, hash: 'x' }, startupTimeoutMs: 1000, logger: silentLogger }),
    ).rejects.toThrow(`model "fake": the model folder ${join(dir, 'nowhere')} does not exist`);
  });
});
