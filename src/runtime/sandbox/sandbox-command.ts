/**
 * The command line that starts a worker confined: prlimit (limits), then bwrap (a new root of
 * read-only binds, scratch /tmp, new pid, ipc, uts and network namespaces), then setpriv (an
 * unprivileged id, no capabilities, no_new_privs), then the worker. A tool that is missing is
 * left out of the chain and its layer reported off by the probe; the rest still applies.
 */
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { usrLinks, type SandboxTools } from './probe-sandbox.js';
import type { SandboxOptions } from './sandbox-options.js';

export interface SandboxLaunch {
  readonly python: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** What the worker may read of the host besides the system's files: model, environment, script. */
  readonly readOnly: readonly string[];
  /** Address-space limit; default: the machine's memory. */
  readonly memoryLimitMb?: number;
  /** Keep the host's network (a module's `network: true`). */
  readonly network?: boolean;
}

export interface SandboxedCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** bwrap reports a worker killed by signal N as exit 128+N. */
  readonly viaBwrap: boolean;
}

/** System files a Python needs: the loader's cache, time zones, certificates, name lookup. */
const ETC = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'alternatives', 'ssl', 'ca-certificates', 'pki', 'resolv.conf', 'hosts', 'nsswitch.conf', 'host.conf', 'gai.conf', 'passwd', 'group', 'mime.types'];
/** Folders made (0755) or mounted before the binds. */
const MOUNTED = new Set(['/', '/tmp', '/dev', '/proc', '/usr', '/etc', '/sys']);

export function sandboxCommand(tools: SandboxTools, options: SandboxOptions, launch: SandboxLaunch, totalMemoryMb: number): SandboxedCommand {
  const chain: string[] = [];
  if (tools.prlimit) {
    const asBytes = (launch.memoryLimitMb ?? totalMemoryMb) * 1024 * 1024;
    chain.push(tools.prlimit, `--nproc=${options.maxProcesses}`, `--nofile=${options.maxOpenFiles}`, `--as=${asBytes}`, '--');
  }
  const asUser = tools.root && tools.ids && tools.setpriv ? tools.ids : undefined;
  if (tools.bwrap) {
    chain.push(tools.bwrap, '--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try');
    if (!launch.network && tools.bwrapNetwork) chain.push('--unshare-net');
    if (!tools.root) chain.push('--unshare-user', '--disable-userns');
    chain.push('--ro-bind', '/usr', '/usr', ...usrLinks());
    // bwrap makes a bound path's missing parents 0700: the unprivileged worker could not cross them.
    for (const dir of ['/etc', '/sys', '/sys/devices', '/sys/devices/system']) chain.push('--perms', '0755', '--dir', dir);
    for (const name of ETC) chain.push('--ro-bind-try', `/etc/${name}`, `/etc/${name}`);
    chain.push('--ro-bind-try', '/sys/devices/system/cpu', '/sys/devices/system/cpu');
    chain.push('--dev', '/dev', '--proc', '/proc');
    chain.push('--perms', '1777', '--size', String(options.scratchMb * 1024 * 1024), '--tmpfs', '/tmp');
    chain.push('--perms', '1777', '--size', String(64 * 1024 * 1024), '--tmpfs', '/dev/shm');
    chain.push(...readOnlyBinds([...launch.readOnly, pythonInstall(launch.python)], asUser !== undefined));
    chain.push('--chdir', launch.cwd, '--cap-drop', 'ALL');
    if (asUser) chain.push('--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID', '--cap-add', 'CAP_SETPCAP');
    chain.push('--');
  } else if (tools.root && tools.unshare && !launch.network) {
    chain.push(tools.unshare, '--net', '--');
  }
  if (asUser) {
    const offset = asUser.count > 1 ? randomInt(asUser.count) : 0;
    const uid = asUser.first + offset;
    const gid = asUser.gid >= 0 ? asUser.gid : uid;
    chain.push(tools.setpriv!, `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--');
  } else if (tools.setpriv) {
    chain.push(tools.setpriv, '--no-new-privs', '--');
  }
  chain.push(launch.python, ...launch.args);
  return { file: chain[0]!, args: chain.slice(1), env: sandboxEnv(launch.env), viaBwrap: tools.bwrap !== undefined };
}

/** The folder a Python was installed in: a venv's python links to it (pyenv under /root/.pyenv, uv's own). */
export function pythonInstall(python: string): string {
  let real: string;
  try {
    real = realpathSync(python);
  } catch {
    return dirname(resolve(python));
  }
  const bin = dirname(real);
  return bin.endsWith('/bin') ? dirname(bin) : bin;
}

/**
 * Each path bound read-only at its own path, parents before children and nested ones once. The
 * folders leading to them are made 0755 in the sandbox's root: bwrap would copy a 0700 parent's
 * mode (/root), which the unprivileged worker could then not cross. For the same reason a folder
 * closed to others (a 0700 temp folder holding a fetched model) is given as a 0755 folder with its
 * entries bound one by one, when the worker runs as another user: the host's modes stay as they are.
 */
export function readOnlyBinds(paths: readonly string[], otherUser: boolean): string[] {
  const wanted = [...new Set(paths.map((p) => resolve(p)))].filter((p) => existsSync(p) && !p.startsWith('/usr/')).sort();
  const bound: string[] = [];
  for (const path of wanted) if (!bound.some((b) => path === b || path.startsWith(`${b}/`))) bound.push(path);
  const args: string[] = [];
  const made = new Set<string>();
  for (const path of bound) {
    for (let parent = dirname(path); !MOUNTED.has(parent); parent = dirname(parent)) made.add(parent);
  }
  const opened: string[] = [];
  for (const path of bound) {
    if (otherUser && isClosedFolder(path)) {
      made.add(path);
      for (const entry of readdirSync(path)) opened.push(`${path}/${entry}`);
    } else opened.push(path);
  }
  for (const dir of [...made].sort()) args.push('--perms', '0755', '--dir', dir);
  for (const path of opened) args.push('--ro-bind', path, path);
  return args;
}

function isClosedFolder(path: string): boolean {
  const stat = statSync(path);
  return stat.isDirectory() && (stat.mode & 0o005) !== 0o005;
}

/**
 * What the worker's environment keeps: locale, threads, Python's and MLflow's switches; not
 * Aviary's own settings nor anything that looks like a credential. HOME and TMPDIR are its scratch.
 */
export function sandboxEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (!KEEP.test(key) || SECRET.test(key)) continue;
    kept[key] = value;
  }
  return { ...kept, HOME: '/tmp', TMPDIR: '/tmp' };
}

const KEEP = /^(PATH|LANG|LANGUAGE|LC_\w+|TZ|TERM|VIRTUAL_ENV|PYTHON\w*|MLFLOW_\w+|OMP_\w+|OPENBLAS_\w+|MKL_\w+|NUMEXPR_\w+|VECLIB_\w+|CUDA_VISIBLE_DEVICES)$/;
const SECRET = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|_KEY|AUTH|USERNAME/i;
