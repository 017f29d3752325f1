/**
 * The `EnvironmentBuilder`: one virtual environment per content hash of the normalised spec,
 * under <cache root>/envs/<hash>. A build runs in a temporary folder, writes aviary-env.json
 * last and is then renamed into place, so an interrupted build never looks finished. Calls for
 * one spec in this process share one build (a promise per hash); builds of one spec in several
 * processes are serialised by a flock on <root>/locks/<hash>.lock (file-lock.ts), after which the
 * waiting process finds the environment built.
 */
import { mkdir, readdir, rename, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BuildProgress, EnvironmentBuilder, EnvironmentSpec, PythonEnvironment } from '../environment-builder.js';
import { BuildLog, logTail } from './build-log.js';
import { CacheLayout, defaultCacheRoot, envPython, MARKER_FILE, readMarker, TMP_PREFIX, writeMarker } from './cache-layout.js';
import { lockFile } from './file-lock.js';
import { installWithPip, installWithUv, InstallStepError } from './install-environment.js';
import { PythonLocator, PythonNotFoundError, type PythonSearch } from './python-locator.js';
import { normaliseSpec, specHash, type NormalisedSpec } from './spec-hash.js';
import { ensureUv, isExecutable, UV_VERSION, uvPaths } from './uv-bootstrap.js';

export interface UvEnvironmentBuilderOptions {
  /** Environments, logs and locks; default defaultCacheRoot(). */
  readonly cacheRoot?: string;
  /** Where uv and its wheel cache live (share it between cache roots to reuse downloads); default the cache root. */
  readonly toolsRoot?: string;
  /** false: venv + pip only (AVIARY_NO_UV=1 in the CLI). Default true. */
  readonly useUv?: boolean;
  readonly pythonSearch?: PythonSearch;
}

/** A build that failed: the message carries the last lines of the build log and its path. */
export class EnvironmentBuildError extends Error {
  constructor(
    message: string,
    readonly hash: string,
    readonly logPath: string,
  ) {
    super(message);
    this.name = 'EnvironmentBuildError';
  }
}

type Phase = Parameters<BuildProgress>[0]['phase'];
type Emit = (phase: Phase, message: string) => void;

export class UvEnvironmentBuilder implements EnvironmentBuilder {
  readonly layout: CacheLayout;
  private readonly toolsRoot: string;
  private readonly useUv: boolean;
  private readonly locator: PythonLocator;
  private readonly inFlight = new Map<string, { promise: Promise<PythonEnvironment>; listeners: Set<Emit> }>();
  private uv: Promise<string | undefined> | undefined;

  constructor(options: UvEnvironmentBuilderOptions = {}) {
    this.layout = new CacheLayout(options.cacheRoot ?? defaultCacheRoot());
    this.toolsRoot = options.toolsRoot ?? this.layout.root;
    this.useUv = options.useUv ?? true;
    this.locator = new PythonLocator(options.pythonSearch);
  }

  async build(spec: EnvironmentSpec, progress?: BuildProgress): Promise<PythonEnvironment> {
    const started = performance.now();
    const listener: Emit = (phase, message) => progress?.({ phase, message, elapsedMs: Math.round(performance.now() - started) });
    const normal = normaliseSpec(spec);
    const hash = specHash(normal);
    const ready = await this.ready(hash);
    if (ready) {
      listener('cached', `environment ${hash} (Python ${ready.pythonVersion}) is ready`);
      return ready;
    }
    const shared = this.inFlight.get(hash);
    if (shared) {
      shared.listeners.add(listener);
      listener('resolving', `joining the build of environment ${hash} under way`);
      return shared.promise;
    }
    const listeners = new Set([listener]);
    const emit: Emit = (phase, message) => {
      for (const l of listeners) {
        try {
          l(phase, message);
        } catch {
          // a progress listener must not break the build
        }
      }
    };
    const promise = this.buildLocked(hash, normal, spec, emit).finally(() => this.inFlight.delete(hash));
    this.inFlight.set(hash, { promise, listeners });
    return promise;
  }

  /** The finished environment for `hash`, or undefined; marks it used (its marker's mtime). */
  private async ready(hash: string): Promise<PythonEnvironment | undefined> {
    const dir = this.layout.envDir(hash);
    const marker = await readMarker(dir);
    if (marker?.hash !== hash) return undefined;
    const now = new Date();
    await utimes(join(dir, MARKER_FILE), now, now).catch(() => undefined); // a read-only cache still works
    return { hash, dir, python: envPython(dir), pythonVersion: marker.python.version };
  }

  private async buildLocked(hash: string, normal: NormalisedSpec, spec: EnvironmentSpec, emit: Emit): Promise<PythonEnvironment> {
    await Promise.all([this.layout.envs, this.layout.logs, this.layout.locks].map((d) => mkdir(d, { recursive: true })));
    const lock = await lockFile(this.layout.lockFile(hash), () => emit('resolving', `waiting for another process building environment ${hash}`));
    try {
      const ready = await this.ready(hash);
      if (ready) {
        emit('cached', `environment ${hash} (Python ${ready.pythonVersion}) was built by another process`);
        return ready;
      }
      return await this.buildUnderLock(hash, normal, spec, emit);
    } finally {
      await lock.release();
    }
  }

  private async buildUnderLock(hash: string, normal: NormalisedSpec, spec: EnvironmentSpec, emit: Emit): Promise<PythonEnvironment> {
    const started = performance.now();
    const log = await BuildLog.open(this.layout.logFile(hash));
    const finalDir = this.layout.envDir(hash);
    const tmp = this.layout.tmpDir(hash);
    const requirements = installLines(spec.requirements);
    const constraints = installLines(spec.constraints ?? []);
    try {
      await log.line(`\n=== ${new Date().toISOString()} building ${hash} (pid ${process.pid}): Python ${normal.python}, ${requirements.length} requirements`);
      await log.line(requirements.join('\n'));
      emit('resolving', `looking for Python ${normal.python}`);
      const base = await this.locator.find(spec.python, await this.existingUv());
      await log.line(`base interpreter: Python ${base.version} at ${base.executable}`);
      const uv = await this.uvBinary(base.executable, log, emit);
      await this.removeLeftovers(hash);
      const builder = uv ? `uv ${UV_VERSION}` : 'venv+pip';
      emit('installing', `installing ${requirements.length} requirements on Python ${base.version} with ${builder}`);
      const target = { dir: tmp, finalDir, basePython: base.executable, requirements, constraints };
      if (uv) await installWithUv({ binary: uv, cacheDir: uvPaths(this.toolsRoot).cacheDir }, target, log);
      else await installWithPip(target, log);
      const buildSeconds = Math.round(performance.now() - started) / 1000;
      await writeMarker(tmp, { hash, spec: normal, python: { version: base.version, executable: base.executable }, created: new Date().toISOString(), builder, buildSeconds });
      await rename(tmp, finalDir);
      await log.line(`=== ready in ${buildSeconds}s: ${finalDir}`);
      emit('done', `environment ${hash} ready in ${buildSeconds.toFixed(1)}s (Python ${base.version}, ${builder})`);
      return { hash, dir: finalDir, python: envPython(finalDir), pythonVersion: base.version };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      const error = await this.failure(err, hash, normal, requirements.length, log);
      emit('failed', error.message.split('\n')[0]!);
      throw error;
    } finally {
      await log.close();
    }
  }

  private async failure(err: unknown, hash: string, normal: NormalisedSpec, count: number, log: BuildLog): Promise<Error> {
    const message = err instanceof Error ? err.message : String(err);
    await log.line(`=== failed: ${message}`).catch(() => undefined);
    if (err instanceof PythonNotFoundError) return err;
    const what = err instanceof InstallStepError ? message : `unexpected error: ${message}`;
    const tail = await logTail(log.path, 30);
    return new EnvironmentBuildError(
      `Could not build the Python environment ${hash} (Python ${normal.python}, ${count} requirements): ${what}.\n` +
        `Last lines of ${log.path}:\n${tail}`,
      hash,
      log.path,
    );
  }

  /** Under the lock: earlier builds of `hash` that were interrupted, and a finished folder that is no longer usable. */
  private async removeLeftovers(hash: string): Promise<void> {
    const names = await readdir(this.layout.envs);
    const stale = names.filter((n) => n.startsWith(`${TMP_PREFIX}${hash}-`) || n === hash);
    await Promise.all(stale.map((n) => rm(join(this.layout.envs, n), { recursive: true, force: true })));
  }

  /** A uv already installed, for finding interpreters, without installing one. */
  private async existingUv(): Promise<string | undefined> {
    if (!this.useUv) return undefined;
    const { binary } = uvPaths(this.toolsRoot);
    return (await isExecutable(binary)) ? binary : undefined;
  }

  /** uv, installed once per process at most; a failed install is not retried until restart. */
  private uvBinary(basePython: string, log: BuildLog, emit: Emit): Promise<string | undefined> {
    if (!this.useUv) return Promise.resolve(undefined);
    this.uv ??= ensureUv(this.toolsRoot, basePython, log, () => emit('resolving', `installing uv ${UV_VERSION} from PyPI (first use)`)).then((uv) => {
      if (!uv) emit('resolving', `uv ${UV_VERSION} could not be installed; using venv + pip (slower)`);
      return uv;
    });
    return this.uv;
  }
}

/** Requirement lines as pip reads them: comments and blank lines dropped, order kept. */
function installLines(lines: readonly string[]): string[] {
  return lines.map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter(Boolean);
}
