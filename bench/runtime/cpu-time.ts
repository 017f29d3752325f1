/**
 * CPU time, which the machine's other load inflates far less than wall-clock latency: a
 * process's user + system time from /proc/<pid>/stat (all its threads, 1/CLK_TCK resolution),
 * this process's main thread alone (ONNX Runtime's pool threads, which spin for a while after a
 * run, are then left out), and this whole process from process.cpuUsage().
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system ms the process `pid` has used so far. */
export function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * User + system ms of `pid` and every live descendant: a sandboxed worker's pid is bwrap's, and
 * the Python scoring the batches is its grandchild (bwrap's init in the pid namespace between).
 */
export function processTreeCpuMs(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fields(`/proc/${entry}/stat`)[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended while being read
    }
  }
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop()!;
    try {
      total += statCpuMs(`/proc/${next}/stat`);
    } catch {
      continue;
    }
    pending.push(...(children.get(next) ?? []));
  }
  return total;
}

/** User + system ms this process's main thread (the event loop) has used so far. */
export function hostMainThreadCpuMs(): number {
  return statCpuMs(`/proc/${process.pid}/task/${process.pid}/stat`);
}

function statCpuMs(path: string): number {
  const f = fields(path);
  return ((Number(f[11]) + Number(f[12])) * 1000) / ticksPerSecond;
}

/** A stat file's fields from field 3 (state) on: ppid is [1], utime [11], stime [12]. */
function fields(path: string): string[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system ms this process has used so far. */
export function hostCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
