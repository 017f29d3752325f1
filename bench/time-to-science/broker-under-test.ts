/**
 * The broker bench/time-to-science measures: `aviary broker run` as a real process (the CLI
 * bundle), models from the tracking server over HTTP, following each module's @champion every
 * second, its log kept with the time of each line, and an environment cache of its own whose uv
 * and wheel cache are the machine's (a symlink to <cache root>/python), so environments are
 * built fresh from cached wheels, as on a broker machine that has built others before.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheRoot } from '../../src/runtime/environments/cache-layout.js';
import { AVIARY_BIN } from '../../src/cli/testing/run-cli-process.js';
import { RB_INPUTS, REALBOGUS, SNIA } from './swap-models.js';

export const FOLLOW_REGISTRY = '1s';

export function writeConfig(dir: string, batchSize: number): string {
  const file = join(dir, 'broker.yaml');
  writeFileSync(
    file,
    [
      `batch_size: ${batchSize}`,
      `follow_registry: ${FOLLOW_REGISTRY}`,
      'modules:',
      `  - name: ${SNIA}`,
      `    model: models:/${SNIA}@champion`,
      '    outputs: [snia_other, snia_score]',
      // The swap check allows timeout / batch_size an alert: room for a loaded 2-core machine.
      '    timeout: 60s',
      `  - name: ${REALBOGUS}`,
      `    model: models:/${REALBOGUS}@champion`,
      `    inputs: [${RB_INPUTS.join(', ')}]`,
      '    outputs: {rb_score: probabilities_1}',
      '',
    ].join('\n'),
  );
  return file;
}

/** A fresh environment cache under the machine's cache root (same filesystem: uv links its wheels), sharing its uv. */
export function freshEnvironmentCache(): { dir: string; remove(): void } {
  const root = defaultCacheRoot();
  const dir = join(root, `bench-time-to-science-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(root, 'python'), join(dir, 'python'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunningBroker {
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** Resolves with its exit code. */
  readonly exited: Promise<number | null>;
  stop(): void;
}

export function startBroker(args: readonly string[]): RunningBroker {
  const child = spawn(process.execPath, [AVIARY_BIN, 'broker', 'run', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { log: () => stderr, exited, stop: () => child.kill('SIGINT') };
}

/** `aviary simulate --to` publishing ZTF alerts at `rate` a second until stopped. */
export function startPublisher(bootstrap: string, topic: string, rate: number): { stop(): Promise<void> } {
  const child = spawn(process.execPath, [AVIARY_BIN, 'simulate', '--to', `kafka://${bootstrap}/${topic}`, '--rate', String(rate), '--duration', '2h', '--quiet'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
