/**
 * Test support: runs an `aviary` sub-command in-process with stdout, stderr and the exit status
 * captured (a child process per call would cost a second or two of start-up each).
 */
import type { Command } from 'commander';
import { vi } from 'vitest';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runInProcess(command: () => Command, args: readonly string[]): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const capture = (append: (text: string) => void) => (chunk: string | Uint8Array) => (append(String(chunk)), true);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture((t) => (stdout += t)) as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((t) => (stderr += t)) as typeof process.stderr.write);
  try {
    await command().parseAsync([...args], { from: 'user' });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}
