/**
 * What confinement this machine allows, found once when a Sandbox opens: which tools are on
 * PATH, whether the kernel lets bwrap make its namespaces (a container may refuse them), and
 * which ids workers take. Each layer is on or off with the reason, for the one report line.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxOptions } from './sandbox-options.js';

export type LayerName = 'user' | 'filesystem' | 'network' | 'limits' | 'no-new-privs';

export interface SandboxLayer {
  readonly name: LayerName;
  readonly on: boolean;
  /** How it is applied, or why it is off. */
  readonly detail: string;
}

/** The ids a worker runs as, when Aviary is root: one of `count` ids from `first`. */
export interface SandboxIds {
  readonly user: string;
  readonly first: number;
  readonly count: number;
  readonly gid: number;
}

export interface SandboxTools {
  readonly root: boolean;
  readonly bwrap?: string;
  /** bwrap may unshare the network (false when the kernel refused it). */
  readonly bwrapNetwork: boolean;
  readonly setpriv?: string;
  readonly prlimit?: string;
  readonly unshare?: string;
  readonly ids?: SandboxIds;
}

export interface SandboxProbe {
  readonly tools: SandboxTools;
  readonly layers: readonly SandboxLayer[];
}

const SETUP = 'run scripts/sandbox-setup.sh as root';

export function probeSandbox(options: SandboxOptions, env: NodeJS.ProcessEnv = process.env): SandboxProbe {
  const missing = new Set(options.pretendMissing);
  const find = (tool: string) => (missing.has(tool) ? undefined : onPath(tool, env.PATH ?? '/usr/bin:/bin'));
  const root = process.getuid?.() === 0;
  const setpriv = find('setpriv');
  const prlimit = find('prlimit');
  const unshare = find('unshare');
  let bwrap = find('bwrap');
  let bwrapNetwork = false;
  let bwrapWhy = `bwrap not found (${SETUP})`;
  if (bwrap) {
    const tried = tryBwrap(bwrap, root, true);
    bwrapNetwork = tried === undefined;
    const without = tried === undefined ? undefined : tryBwrap(bwrap, root, false);
    if (tried !== undefined && without !== undefined) {
      bwrapWhy = `the kernel refused bwrap's namespaces: ${without}`;
      bwrap = undefined;
    }
  }
  const ids = root && !missing.has('user') ? sandboxIds(options.user) : undefined;

  const layers: SandboxLayer[] = [];
  if (!root) layers.push({ name: 'user', on: true, detail: `uid ${process.getuid?.()}, not root` });
  else if (!ids) layers.push({ name: 'user', on: false, detail: `no user ${options.user}: workers run as root (${SETUP})` });
  else if (!setpriv) layers.push({ name: 'user', on: false, detail: 'setpriv not found (util-linux): workers run as root' });
  else layers.push({ name: 'user', on: true, detail: ids.count > 1 ? `one id per worker of ${options.user}'s ${ids.first}-${ids.first + ids.count - 1}` : `${options.user} (uid ${ids.first})` });
  layers.push(bwrap ? { name: 'filesystem', on: true, detail: 'bwrap: read-only model and environment, scratch /tmp, own pid namespace' } : { name: 'filesystem', on: false, detail: bwrapWhy });
  if (bwrap && bwrapNetwork) layers.push({ name: 'network', on: true, detail: 'none unless the module says network: true' });
  else if (root && unshare) layers.push({ name: 'network', on: true, detail: 'unshare -n: none unless the module says network: true' });
  else layers.push({ name: 'network', on: false, detail: bwrap ? "the kernel refused bwrap's network namespace" : bwrapWhy });
  layers.push(
    prlimit
      ? { name: 'limits', on: true, detail: `nproc ${options.maxProcesses}, nofile ${options.maxOpenFiles}, address space (--memory-limit-mb, else the machine's memory)` }
      : { name: 'limits', on: false, detail: 'prlimit not found (util-linux)' },
  );
  layers.push(bwrap || setpriv ? { name: 'no-new-privs', on: true, detail: bwrap ? 'bwrap' : 'setpriv' } : { name: 'no-new-privs', on: false, detail: 'neither bwrap nor setpriv found' });
  return { tools: { root, bwrapNetwork, ...(bwrap ? { bwrap } : {}), ...(setpriv ? { setpriv } : {}), ...(prlimit ? { prlimit } : {}), ...(unshare ? { unshare } : {}), ...(ids ? { ids } : {}) }, layers };
}

function onPath(tool: string, path: string): string | undefined {
  for (const dir of path.split(':').filter(Boolean)) {
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** undefined if bwrap could run /usr/bin/true in the namespaces workers get; else its complaint. */
function tryBwrap(bwrap: string, root: boolean, network: boolean): string | undefined {
  const args = ['--ro-bind', '/usr', '/usr', ...usrLinks(), '--proc', '/proc', '--dev', '/dev', '--unshare-pid', '--unshare-ipc', '--unshare-uts', ...(network ? ['--unshare-net'] : [])];
  if (!root) args.push('--unshare-user');
  const run = spawnSync(bwrap, [...args, '--', '/usr/bin/true'], { encoding: 'utf8', timeout: 10_000 });
  if (run.status === 0) return undefined;
  return (run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n')[0];
}

/** /bin, /lib... as the links to /usr they are on a merged-/usr system; a real folder is bound. */
export function usrLinks(): string[] {
  const args: string[] = [];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    try {
      const target = readlinkOrUndefined(dir);
      if (target !== undefined) args.push('--symlink', target, dir);
      else args.push('--ro-bind-try', dir, dir);
    } catch {
      // absent
    }
  }
  return args;
}

function readlinkOrUndefined(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EINVAL') return undefined; // a folder, not a link
    throw error;
  }
}

/** The sandbox user's uid and gid, and its subordinate range (/etc/subuid) if it has one. */
function sandboxIds(user: string): SandboxIds | undefined {
  const entry = readLines('/etc/passwd').map((line) => line.split(':')).find((f) => f[0] === user);
  if (!entry) return undefined;
  const uid = Number(entry[2]);
  const gid = Number(entry[3]);
  const sub = (file: string) => {
    const f = readLines(file).map((line) => line.split(':')).find((x) => x[0] === user || x[0] === String(uid));
    return f ? { first: Number(f[1]), count: Number(f[2]) } : undefined;
  };
  const subuid = sub('/etc/subuid');
  const subgid = sub('/etc/subgid');
  if (subuid && subgid && subuid.first === subgid.first && subuid.count > 0 && Number.isInteger(subuid.first)) {
    return { user, first: subuid.first, count: Math.min(subuid.count, subgid.count), gid: -1 };
  }
  return { user, first: uid, count: 1, gid };
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}
