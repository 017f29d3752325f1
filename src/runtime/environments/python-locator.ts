/**
 * Finds the base interpreters a model's Python version can be built from: pyenv's versions
 * folder, `python3.X` / `python3` / `python` on PATH (pyenv shims that refuse to run are skipped),
 * and the interpreters uv knows (its managed ones included). Versions match on major.minor; among
 * matches the exact patch version wins, then the newest.
 */
import { execFile } from 'node:child_process';
import { readdir, realpath, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PythonInterpreter {
  /** Full version, e.g. "3.11.7". */
  readonly version: string;
  /** The real executable (never a shim). */
  readonly executable: string;
}

export interface PythonSearch {
  /** pyenv's root; default $PYENV_ROOT or ~/.pyenv; null skips pyenv. */
  readonly pyenvRoot?: string | null;
  /** Folders searched like PATH (a PATH-style string); default $PATH. */
  readonly path?: string;
  /** Ask uv too (`uv python list`), when a uv binary is at hand; default true. */
  readonly uv?: boolean;
}

export class PythonNotFoundError extends Error {
  constructor(
    readonly needed: string,
    readonly found: readonly PythonInterpreter[],
  ) {
    const list = found.length > 0 ? found.map((p) => `${p.version} (${p.executable})`).join(', ') : 'none';
    super(
      `The model needs Python ${needed}, which this machine does not have. Python versions found: ${list}. ` +
        `Install Python ${needed} (e.g. \`pyenv install ${needed}\`, or \`uv python install ${needed}\` where downloads are allowed) ` +
        `and build again, or re-save the model with one of the versions found.`,
    );
    this.name = 'PythonNotFoundError';
  }
}

export class PythonLocator {
  private readonly probes = new Map<string, Promise<PythonInterpreter | undefined>>();

  constructor(private readonly search: PythonSearch = {}) {}

  /** The best interpreter for `version` ("3.11" or "3.11.7"); throws PythonNotFoundError. */
  async find(version: string, uv?: string): Promise<PythonInterpreter> {
    const minor = version.split('.').slice(0, 2).join('.');
    const matches = (p: PythonInterpreter) => p.version.split('.').slice(0, 2).join('.') === minor;
    // Cheapest first: pyenv's folder names, then the PATH names that can match, then uv.
    for (const source of [() => this.fromPyenv(minor), () => this.fromPath([`python${minor}`, 'python3', 'python']), () => this.fromUv(uv)]) {
      const found = (await source()).filter(matches);
      if (found.length > 0) return best(found, version);
    }
    const all = await this.all(uv);
    this.probes.clear(); // an interpreter installed after this failure must be seen next time
    throw new PythonNotFoundError(minor, all);
  }

  /** Every interpreter found, newest first, one per real executable. */
  async all(uv?: string): Promise<PythonInterpreter[]> {
    const found = [...(await this.fromPyenv()), ...(await this.fromPath()), ...(await this.fromUv(uv))];
    const unique = new Map(found.map((p) => [p.executable, p]));
    return [...unique.values()].sort((a, b) => compareVersions(b.version, a.version));
  }

  private async fromPyenv(minor?: string): Promise<PythonInterpreter[]> {
    const root = this.search.pyenvRoot === undefined ? (process.env.PYENV_ROOT ?? join(process.env.HOME ?? '', '.pyenv')) : this.search.pyenvRoot;
    if (!root) return [];
    const names = await readdir(join(root, 'versions')).catch(() => [] as string[]);
    const wanted = names.filter((n) => /^\d+\.\d+\.\d+$/.test(n) && (!minor || n.startsWith(`${minor}.`)));
    const probed = await Promise.all(wanted.map((n) => this.probe(join(root, 'versions', n, 'bin', `python${n.split('.').slice(0, 2).join('.')}`))));
    return probed.filter((p): p is PythonInterpreter => p !== undefined);
  }

  private async fromPath(names?: string[]): Promise<PythonInterpreter[]> {
    const dirs = (this.search.path ?? process.env.PATH ?? '').split(delimiter).filter(Boolean);
    const candidates: string[] = [];
    for (const dir of dirs) {
      if (names) candidates.push(...names.map((n) => join(dir, n)));
      else candidates.push(...(await readdir(dir).catch(() => [] as string[])).filter((n) => /^python(3(\.\d+)?)?$/.test(n)).map((n) => join(dir, n)));
    }
    const probed = await Promise.all(candidates.map((c) => this.probe(c)));
    return probed.filter((p): p is PythonInterpreter => p !== undefined);
  }

  private async fromUv(uv: string | undefined): Promise<PythonInterpreter[]> {
    if (!uv || this.search.uv === false) return [];
    try {
      const env = { ...process.env, UV_PYTHON_DOWNLOADS: 'never', ...(this.search.path !== undefined ? { PATH: this.search.path } : {}) };
      const { stdout } = await run(uv, ['python', 'list', '--only-installed', '--output-format', 'json'], { env, timeout: 30_000 });
      const listed = JSON.parse(stdout) as { path?: string; implementation?: string }[];
      const paths = listed.filter((p) => p.implementation === 'cpython' && p.path).map((p) => p.path!);
      const probed = await Promise.all(paths.map((p) => this.probe(p)));
      return probed.filter((p): p is PythonInterpreter => p !== undefined);
    } catch {
      return [];
    }
  }

  /** Runs the candidate once (memoised): shims that fail and non-CPython interpreters give undefined. */
  private probe(candidate: string): Promise<PythonInterpreter | undefined> {
    let probe = this.probes.get(candidate);
    if (!probe) {
      probe = (async () => {
        if (!(await stat(candidate).catch(() => undefined))?.isFile()) return undefined;
        const code = 'import platform, sys; print(platform.python_implementation(), "%d.%d.%d" % sys.version_info[:3], sys.executable)';
        try {
          const { stdout } = await run(candidate, ['-c', code], { timeout: 10_000 });
          const [implementation, version, executable] = stdout.trim().split(' ', 3);
          if (implementation !== 'CPython' || !version || !executable) return undefined;
          return { version, executable: await realpath(executable).catch(() => executable) };
        } catch {
          return undefined;
        }
      })();
      this.probes.set(candidate, probe);
    }
    return probe;
  }
}

function best(found: PythonInterpreter[], version: string): PythonInterpreter {
  const exact = found.find((p) => p.version === version);
  return exact ?? [...found].sort((a, b) => compareVersions(b.version, a.version))[0]!;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
