/**
 * uv, pinned, installed from PyPI with pip into a bootstrap venv on first use, exactly where
 * scripts/python-env.sh puts it (<tools root>/python/uv-<version>) under the same flock, so the
 * two share one copy. Undefined when it cannot be had: the caller falls back to venv + pip.
 */
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildLog } from './build-log.js';
import { lockFile } from './file-lock.js';

export const UV_VERSION = '0.13.9';

export function uvPaths(toolsRoot: string): { binary: string; cacheDir: string } {
  const python = join(toolsRoot, 'python');
  return { binary: join(python, `uv-${UV_VERSION}`, 'bin', 'uv'), cacheDir: join(python, 'uv-cache') };
}

/** The uv binary, installing it with `basePython -m venv` + pip when missing. */
export async function ensureUv(toolsRoot: string, basePython: string, log: BuildLog, onInstall: () => void): Promise<string | undefined> {
  const python = join(toolsRoot, 'python');
  const home = join(python, `uv-${UV_VERSION}`);
  const binary = join(home, 'bin', 'uv');
  if (await isExecutable(binary)) return binary;
  await mkdir(python, { recursive: true });
  const lock = await lockFile(join(python, `uv-${UV_VERSION}.lock`));
  try {
    if (await isExecutable(binary)) return binary;
    onInstall();
    const tmp = join(python, `.tmp-uv-${UV_VERSION}`);
    await rm(tmp, { recursive: true, force: true });
    const ok =
      (await log.run(basePython, ['-m', 'venv', tmp])) === 0 &&
      (await log.run(join(tmp, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `uv==${UV_VERSION}`])) === 0 &&
      (await log.run(join(tmp, 'bin', 'uv'), ['--version'])) === 0;
    if (!ok) {
      await rm(tmp, { recursive: true, force: true });
      await log.line(`uv ${UV_VERSION} could not be installed; falling back to venv + pip`);
      return undefined;
    }
    await rename(tmp, home);
    return binary;
  } finally {
    await lock.release();
  }
}

export async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}
