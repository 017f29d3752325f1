/**
 * Test support: runs `aviary` as a real process (node bin/aviary.js, the bundle tests/ts/
 * global-setup.ts keeps fresh), for what only a real process shows: its exit status, its
 * signals, what it leaves behind. `onStderr` and `onStdout` see the output as it comes (to send Ctrl-C at a moment).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const AVIARY_BIN = fileURLToPath(new URL('../../../bin/aviary.js', import.meta.url));

export interface CliProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcessOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed with SIGKILL past this (default 120 s): a hang fails the test instead of stalling it. */
  readonly timeoutMs?: number;
  readonly onStderr?: (soFar: string, child: ChildProcess) => void;
  readonly onStdout?: (soFar: string, child: ChildProcess) => void;
}

export function runCliProcess(args: readonly string[], options: CliProcessOptions = {}): Promise<CliProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AVIARY_BIN, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
