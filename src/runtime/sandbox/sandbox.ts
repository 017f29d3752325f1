/**
 * Least privilege for model code. Every Python process that runs a model's or a preprocessing
 * step's code (a pickle, a loader, preprocessing.py) starts through `command()`, which wraps it
 * in the layers this machine allows (probe-sandbox.ts, sandbox-command.ts). A command opens one
 * Sandbox, logs `report()` once, and refuses to start when it was asked to require every layer
 * and one is off. Pools given none open their own, silently, with the same defaults.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { totalmem, userInfo } from 'node:os';
import { join } from 'node:path';
import { constants } from 'node:os';
import type { Logger } from '../../common/logger.js';
import { probeSandbox, type SandboxProbe } from './probe-sandbox.js';
import { sandboxCommand, type SandboxedCommand, type SandboxLaunch } from './sandbox-command.js';
import { sandboxOptionsFromEnv, type SandboxOptions } from './sandbox-options.js';

export type { SandboxLaunch, SandboxedCommand } from './sandbox-command.js';

export class SandboxRefusedError extends Error {
  override readonly name = 'SandboxRefusedError';
}

export class Sandbox {
  /** Probes, logs the one line listing the layers on and off, and refuses if `require` and one is off. */
  static open(options: SandboxOptions, logger?: Logger): Sandbox {
    const sandbox = new Sandbox(options, options.enabled ? probeSandbox(options) : undefined);
    const off = sandbox.layersOff();
    if (logger) (off.length > 0 ? logger.warn : logger.info).call(logger, sandbox.report());
    if (options.require && off.length > 0) {
      throw new SandboxRefusedError(`--require-sandbox: the model sandbox is incomplete, not starting: ${off.join('; ')}`);
    }
    return sandbox;
  }

  /** AVIARY_SANDBOX and the defaults, not logged: for a pool or step given no sandbox. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): Sandbox {
    return Sandbox.open(sandboxOptionsFromEnv(env));
  }

  /** Environments whose missing bytecode is being (or was) compiled by this process. */
  private readonly compiling = new Map<string, Promise<void>>();

  private constructor(
    readonly options: SandboxOptions,
    readonly probe: SandboxProbe | undefined,
  ) {}

  get enabled(): boolean {
    return this.probe !== undefined;
  }

  /** "name (why)" of each layer that is off; the whole sandbox when disabled. */
  layersOff(): string[] {
    if (!this.probe) return ['every layer (AVIARY_SANDBOX=off)'];
    return this.probe.layers.filter((l) => !l.on).map((l) => `${l.name} (${l.detail})`);
  }

  /** One line: every layer, on or off, and how. */
  report(): string {
    if (!this.probe) {
      return `model sandbox: OFF (AVIARY_SANDBOX=off): model code runs with Aviary's own privileges (user ${userInfo().username}), files and network: for debugging only`;
    }
    const on = this.probe.layers.filter((l) => l.on).map((l) => `${l.name} (${l.detail})`);
    const off = this.layersOff();
    return `model sandbox: on: ${on.join(', ') || 'none'}; off: ${off.join(', ') || 'none'}`;
  }

  /** How to start `launch`: unchanged when disabled. */
  command(launch: SandboxLaunch): SandboxedCommand {
    if (!this.probe) return { file: launch.python, args: [...launch.args], env: launch.env, viaBwrap: false };
    return sandboxCommand(this.probe.tools, this.options, launch, Math.floor(totalmem() / (1024 * 1024)));
  }

  /**
   * A sandboxed worker cannot write bytecode into its read-only environment, so it lists the
   * sources it imported that have none, and Aviary compiles them (`-I -S`: no site-packages code
   * runs; a compiled file only ever comes from the environment's own source), once per process.
   * Later workers then start as fast as before the sandbox.
   */
  compileBytecode(environment: { readonly python: string; readonly dir: string }, sources: readonly string[], logger?: Logger): Promise<void> {
    const inside = sources.filter((s) => s.startsWith(`${environment.dir}/`) && s.endsWith('.py') && !s.includes('/../'));
    if (inside.length === 0 || this.compiling.has(environment.dir) || !existsSync(join(environment.dir, 'pyvenv.cfg'))) return Promise.resolve();
    const done = new Promise<void>((resolve) => {
      const child = execFile(environment.python, ['-I', '-S', '-m', 'compileall', '-q', '-i', '-'], { timeout: 300_000 }, (error) => {
        if (error) logger?.warn(`could not compile the bytecode of ${environment.dir}: ${error.message.split('\n')[0]}`);
        resolve();
      });
      child.stdin?.end(`${inside.join('\n')}\n`);
    });
    this.compiling.set(environment.dir, done);
    return done;
  }
}

/** bwrap answers 128+N when its worker was killed by signal N: the signal, or null. */
export function signalOfBwrapExit(code: number | null): NodeJS.Signals | null {
  if (code === null || code <= 128 || code > 128 + 64) return null;
  const entry = Object.entries(constants.signals).find(([, n]) => n === code - 128);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}
