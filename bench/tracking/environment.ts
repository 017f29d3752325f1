/** What the numbers were taken on: the Python env with the real MLflow, the machine and the versions. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** The venv holding the pinned MLflow, built and cached by scripts/python-env.sh (its path on stdout). */
export function pythonEnv(repo: string): string {
  return execFileSync('bash', ['scripts/python-env.sh', 'tests/python/requirements.txt'], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** Whether this MLflow's `server` takes `--workers` (asked once, from its own help). */
export function mlflowHasWorkersOption(venv: string): boolean {
  return execFileSync(`${venv}/bin/mlflow`, ['server', '--help'], { encoding: 'utf8' }).includes('--workers');
}

export interface Environment {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  python: string;
  mlflow: string;
  aviary: string;
}

/** `aviaryCli` names another build of Aviary when the bench did not build this checkout. */
export function describeEnvironment(repo: string, venv: string, aviaryCli?: string): Environment {
  const python = `${venv}/bin/python`;
  const pkg = JSON.parse(readFileSync(`${repo}/package.json`, 'utf8')) as { version: string };
  let commit = 'unknown commit';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    python: execFileSync(python, ['--version'], { encoding: 'utf8' }).trim().replace(/^Python /, ''),
    mlflow: execFileSync(python, ['-c', 'import importlib.metadata as m; print(m.version("mlflow"))'], { encoding: 'utf8' }).trim(),
    aviary: aviaryCli ? `build at ${aviaryCli}` : `${pkg.version} (${commit} and the working tree, as built)`,
  };
}

/** The 1-minute load average: other work on the machine skews every number, so it is recorded. */
export function load1(): string {
  return loadavg()[0]!.toFixed(2);
}
