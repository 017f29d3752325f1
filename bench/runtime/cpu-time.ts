/**
 * CPU time, which the machine's other load inflates far less than wall-clock latency: a
 * process's user + system time from /proc/<pid>/stat (all its threads, 1/CLK_TCK resolution),
 * this process's main thread alone (ONNX Runtime's pool threads, which spin for a while after a
 * run, are then left out), and this whole process from process.cpuUsage().
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system ms the process `pid` has used so far. */
export function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** User + system ms this process's main thread (the event loop) has used so far. */
export function hostMainThreadCpuMs(): number {
  return statCpuMs(`/proc/${process.pid}/task/${process.pid}/stat`);
}

function statCpuMs(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** User + system ms this process has used so far. */
export function hostCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
