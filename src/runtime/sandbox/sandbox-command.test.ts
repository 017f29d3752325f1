// The command line's parts that need no process: binds and the environment a worker keeps.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOnlyBinds, sandboxEnv } from './sandbox-command.js';

describe('sandbox command', () => {
  it('binds parents before children, once, makes their folders 0755, and opens a 0700 folder entry by entry for another user', () => {
    const closed = mkdtempSync(join(tmpdir(), 'aviary-binds-')); // mkdtemp: 0700
    mkdirSync(join(closed, 'model'));
    writeFileSync(join(closed, 'MLmodel'), '');
    const args = readOnlyBinds([join(closed, 'model'), closed, '/usr/lib'], true);
    expect(args).toEqual(['--perms', '0755', '--dir', closed, '--ro-bind', join(closed, 'MLmodel'), join(closed, 'MLmodel'), '--ro-bind', join(closed, 'model'), join(closed, 'model')]);
    chmodSync(closed, 0o755);
    expect(readOnlyBinds([closed], true)).toEqual(['--ro-bind', closed, closed]);
    expect(readOnlyBinds(['/nowhere/at/all'], true)).toEqual([]);
  });

  it("keeps locale, threads, Python's and MLflow's switches; drops Aviary's settings and credentials; HOME and TMPDIR are the scratch", () => {
    const env = sandboxEnv({
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      OMP_NUM_THREADS: '1',
      PYTHONUNBUFFERED: '1',
      MLFLOW_TRACKING_URI: 'http://x',
      MLFLOW_TRACKING_TOKEN: 'secret',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AVIARY_DATA_DIR: '/srv/aviary',
      HOME: '/root',
    });
    expect(env).toEqual({ PATH: '/usr/bin', LANG: 'C.UTF-8', OMP_NUM_THREADS: '1', PYTHONUNBUFFERED: '1', MLFLOW_TRACKING_URI: 'http://x', HOME: '/tmp', TMPDIR: '/tmp' });
  });
});
