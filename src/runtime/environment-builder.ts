/**
 * The environment boundary: a Python environment built from a model's own files, cached by a
 * content hash of its specification so a second request costs nothing.
 */

/** What a model needs, read from its python_env.yaml / conda.yaml / requirements.txt. */
export interface EnvironmentSpec {
  /** The Python the model was saved with, e.g. "3.11.7"; matched on major.minor. */
  readonly python: string;
  /** pip requirement lines, in order (build dependencies first), `-r` includes already expanded. */
  readonly requirements: readonly string[];
  /** pip constraint lines (MLflow's `-c constraints.txt`): they pin versions without adding packages. */
  readonly constraints?: readonly string[];
}

export interface PythonEnvironment {
  /** The content hash of the spec: the cache key. */
  readonly hash: string;
  /** Absolute path of the environment's python executable. */
  readonly python: string;
  /** The environment's root folder. */
  readonly dir: string;
  /** The interpreter's full version, e.g. "3.11.7" (its major.minor is the spec's). */
  readonly pythonVersion?: string;
}

export interface BuildProgress {
  (event: { phase: 'cached' | 'resolving' | 'installing' | 'done' | 'failed'; message: string; elapsedMs: number }): void;
}

export interface EnvironmentBuilder {
  /**
   * The environment for `spec`, built once: concurrent calls for the same spec share one build.
   * A failed build throws an error with the tail of the build log; a Python version the machine
   * cannot provide throws an error naming what is needed and what exists.
   */
  build(spec: EnvironmentSpec, progress?: BuildProgress): Promise<PythonEnvironment>;
}
