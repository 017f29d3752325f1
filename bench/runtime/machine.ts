/** What the numbers were taken on, and waiting for the shared machine to be quiet enough. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UV_VERSION } from '../../src/runtime/environments/uv-bootstrap.js';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly onnxruntimeNode: string;
  readonly uv: string;
  readonly aviary: string;
}

export function describeMachine(repo: string): Machine {
  const version = (file: string) => (JSON.parse(readFileSync(join(repo, file), 'utf8')) as { version: string }).version;
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
    onnxruntimeNode: version('node_modules/onnxruntime-node/package.json'),
    uv: UV_VERSION,
    aviary: `${version('package.json')} (${commit} and the working tree, from the sources)`,
  };
}

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
