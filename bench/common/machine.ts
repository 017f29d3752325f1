/**
 * What a benchmark's numbers were taken on (processor, cores, memory, Node, the Aviary checkout)
 * and how loaded the machine was, shared by the benchmarks under bench/. Each benchmark adds
 * its own versions (Python packages, onnxruntime-node) beside these.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  /** "0.1.0 (abc1234 and the working tree, from the sources)". */
  readonly aviary: string;
}

export function describeMachine(repo: string): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    aviary: `${packageVersion(repo, 'package.json')} (${gitCommit(repo)} and the working tree, from the sources)`,
  };
}

/** The `version` of a package.json under `repo` (e.g. node_modules/onnxruntime-node/package.json). */
export function packageVersion(repo: string, file: string): string {
  try {
    return (JSON.parse(readFileSync(join(repo, file), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function gitCommit(repo: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown commit'; // not a git checkout
  }
}

/** One line for a results file: "2 cores (CPU), 23.4 GiB memory; Node v20...; Aviary ...". */
export function machineLine(m: Machine): string {
  return `${m.cores} cores (${m.cpu}), ${m.memoryGiB.toFixed(1)} GiB memory; Node ${m.node}; Aviary ${m.aviary}`;
}

/** The 1-minute load average: other work on the machine skews every number, so it is recorded. */
export function load1(): number {
  return loadavg()[0]!;
}

/**
 * Waits, polling every 30 s, while the 1-minute load average is above `threshold`, for at most
 * `maxMinutes`; then goes on either way. Returns the seconds waited.
 */
export async function waitForQuiet(threshold: number, maxMinutes: number, say: (line: string) => void): Promise<number> {
  const began = performance.now();
  const waited = () => (performance.now() - began) / 1000;
  while (load1() > threshold && waited() < maxMinutes * 60) {
    say(`load average ${load1().toFixed(2)} > ${threshold}: waiting (${Math.round(waited())} s of at most ${maxMinutes * 60} s)`);
    await sleep(30_000);
  }
  if (load1() > threshold) say(`load average still ${load1().toFixed(2)} after ${maxMinutes} min: measuring anyway`);
  return waited();
}
