/**
 * How model code is confined (see sandbox.ts): on unless AVIARY_SANDBOX=off, with limits that
 * suit a scoring worker. AVIARY_SANDBOX_PRETEND_MISSING (comma-separated tools or layers:
 * bwrap, setpriv, prlimit, unshare, user) makes the probe act as if they were absent: how the
 * tests check the degraded modes and --require-sandbox on a machine that has everything.
 */
export interface SandboxOptions {
  /** false: model code runs with Aviary's own privileges (debugging only; said loudly). */
  readonly enabled: boolean;
  /** Refuse to start when a layer is off, instead of going on without it. */
  readonly require: boolean;
  readonly pretendMissing: readonly string[];
  /** RLIMIT_NPROC: processes and threads of the worker's own user id. */
  readonly maxProcesses: number;
  /** RLIMIT_NOFILE. */
  readonly maxOpenFiles: number;
  /** Size of the worker's scratch folder (a tmpfs at /tmp, also its HOME and TMPDIR). */
  readonly scratchMb: number;
  /** The unprivileged user whose ids workers take when Aviary runs as root (scripts/sandbox-setup.sh). */
  readonly user: string;
}

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = {
  enabled: true,
  require: false,
  pretendMissing: [],
  maxProcesses: 256,
  maxOpenFiles: 1024,
  scratchMb: 1024,
  user: 'aviary-sandbox',
};

export function sandboxOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<SandboxOptions> = {}): SandboxOptions {
  const switched = (env.AVIARY_SANDBOX ?? '').trim().toLowerCase();
  const missing = (env.AVIARY_SANDBOX_PRETEND_MISSING ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    ...DEFAULT_SANDBOX_OPTIONS,
    enabled: !['off', '0', 'false', 'no'].includes(switched),
    pretendMissing: missing,
    ...overrides,
  };
}
