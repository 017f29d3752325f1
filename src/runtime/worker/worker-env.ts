import { join } from 'node:path';
import type { PythonEnvironment } from '../environment-builder.js';

/**
 * A worker's environment variables: the model's environment first on PATH, no PYTHONPATH or
 * PYTHONHOME from the caller, and one BLAS/OpenMP thread per worker unless the caller's
 * environment says otherwise (workers, not threads, are the unit of parallelism).
 * PYTHONDONTWRITEBYTECODE is dropped: environments are installed without bytecode, so the first
 * start compiles what it imports into the cached environment and later starts read it (an
 * MLflow model starts ~3 s sooner). Python writes .pyc files atomically, so workers sharing an
 * environment can do it at once.
 */
export function workerEnv(environment: PythonEnvironment, inherited: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { PYTHONPATH: _path, PYTHONHOME: _home, PYTHONDONTWRITEBYTECODE: _noBytecode, ...rest } = inherited;
  return {
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    ...rest,
    VIRTUAL_ENV: environment.dir,
    PATH: `${join(environment.dir, 'bin')}:${rest.PATH ?? ''}`,
    PYTHONUNBUFFERED: '1',
    PYTHONNOUSERSITE: '1',
  };
}

/** Signals the process group `pid` leads; false if there is none left. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
