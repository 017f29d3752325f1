/**
 * The two ways an environment gets made in its temporary folder: uv (`uv venv` + `uv pip
 * install`, wheels kept in uv's cache), or, when uv cannot be had, `python -m venv` + pip.
 * Each step's output goes to the build log; a failed step throws `InstallStepError`.
 */
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildLog } from './build-log.js';
import { envPython } from './cache-layout.js';

export class InstallStepError extends Error {}

export interface InstallTarget {
  /** The temporary folder the environment is made in. */
  readonly dir: string;
  /** The folder it will be renamed to: scripts that name their folder are pointed there. */
  readonly finalDir: string;
  /** The base interpreter. */
  readonly basePython: string;
  readonly requirements: readonly string[];
  readonly constraints: readonly string[];
}

export async function installWithUv(uv: { binary: string; cacheDir: string }, target: InstallTarget, log: BuildLog): Promise<void> {
  // UV_SYSTEM_CERTS: registries here may sit behind the system's certificate store, as pip already assumes.
  const env = { ...process.env, UV_CACHE_DIR: uv.cacheDir, UV_PYTHON_DOWNLOADS: 'never', UV_SYSTEM_CERTS: process.env.UV_SYSTEM_CERTS ?? '1', UV_NO_PROGRESS: '1' };
  await step(log.run(uv.binary, ['venv', '--quiet', '--relocatable', '--no-project', '--python', target.basePython, target.dir], env), 'uv could not create the virtual environment');
  const files = await writeRequirementFiles(target);
  if (files) {
    await step(log.run(uv.binary, ['pip', 'install', '--python', envPython(target.dir), ...files], env), 'uv could not install the requirements');
  }
  await finish(target, log);
}

export async function installWithPip(target: InstallTarget, log: BuildLog): Promise<void> {
  await step(log.run(target.basePython, ['-m', 'venv', target.dir]), 'python -m venv could not create the virtual environment');
  const files = await writeRequirementFiles(target);
  if (files) {
    await step(log.run(envPython(target.dir), ['-m', 'pip', 'install', '--disable-pip-version-check', ...files]), 'pip could not install the requirements');
  }
  await finish(target, log);
}

/** The install arguments (-r file [-c file]), or undefined when there is nothing to install. */
async function writeRequirementFiles(target: InstallTarget): Promise<string[] | undefined> {
  if (target.requirements.length === 0) return undefined;
  const requirements = join(target.dir, 'aviary-requirements.txt');
  await writeFile(requirements, `${target.requirements.join('\n')}\n`);
  const args = ['-r', requirements];
  if (target.constraints.length > 0) {
    const constraints = join(target.dir, 'aviary-constraints.txt');
    await writeFile(constraints, `${target.constraints.join('\n')}\n`);
    args.push('-c', constraints);
  }
  return args;
}

async function finish(target: InstallTarget, log: BuildLog): Promise<void> {
  await repointScripts(target.dir, target.finalDir);
  await step(log.run(envPython(target.dir), ['-c', 'import sys; print(sys.version)']), "the new environment's python does not start");
}

/** pip writes absolute shebangs and `activate` names the folder; uv's relocatable scripts need nothing. */
async function repointScripts(dir: string, finalDir: string): Promise<void> {
  const bin = join(dir, 'bin');
  for (const name of await readdir(bin)) {
    const path = join(bin, name);
    const info = await lstat(path).catch(() => undefined); // never follow bin/python to the base interpreter
    if (!info?.isFile() || info.size > 1024 * 1024) continue;
    const text = await readFile(path, 'latin1');
    if (text.includes('\0') || !text.includes(dir)) continue;
    await writeFile(path, text.split(dir).join(finalDir), 'latin1');
  }
}

async function step(run: Promise<number>, failure: string): Promise<void> {
  const code = await run;
  if (code !== 0) throw new InstallStepError(`${failure} (exit ${code})`);
}
