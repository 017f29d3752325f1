import { describe, expect, it } from 'vitest';
import { workerEnv } from './worker-env.js';

const environment = { python: '/envs/e1/bin/python', dir: '/envs/e1', hash: 'e1' };

describe('workerEnv', () => {
  it("puts the model's environment first and drops what would leak the caller's Python into it", () => {
    const env = workerEnv(environment, { PATH: '/usr/bin', PYTHONPATH: '/elsewhere', PYTHONHOME: '/py', PYTHONDONTWRITEBYTECODE: '1', HOME: '/home/u' });
    expect(env.PATH).toBe('/envs/e1/bin:/usr/bin');
    expect(env.VIRTUAL_ENV).toBe('/envs/e1');
    expect(env.HOME).toBe('/home/u');
    expect(env).not.toHaveProperty('PYTHONPATH');
    expect(env).not.toHaveProperty('PYTHONHOME');
    // Bytecode is written into the cached environment on first start, so later starts skip compiling.
    expect(env).not.toHaveProperty('PYTHONDONTWRITEBYTECODE');
  });

  it('runs one BLAS thread per worker unless the caller chose otherwise', () => {
    expect(workerEnv(environment, {}).OMP_NUM_THREADS).toBe('1');
    expect(workerEnv(environment, { OMP_NUM_THREADS: '4' }).OMP_NUM_THREADS).toBe('4');
  });
});
