/**
 * The build log of one environment (`<root>/logs/<hash>.log`): every build appends a header and
 * the full output of each command it runs, so a failure can be read in full after the fact.
 */
import { spawn } from 'node:child_process';
import { open, readFile, type FileHandle } from 'node:fs/promises';

export class BuildLog {
  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  static async open(path: string): Promise<BuildLog> {
    return new BuildLog(path, await open(path, 'a'));
  }

  async line(text: string): Promise<void> {
    await this.file.appendFile(`${text}\n`);
  }

  /** Runs a command with its output appended to the log; resolves to its exit code. */
  async run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    await this.line(`$ ${[command, ...args].join(' ')}`);
    const fd = this.file.fd;
    const code = await new Promise<number>((resolve) => {
      const child = spawn(command, args, { stdio: ['ignore', fd, fd], env });
      child.once('error', (err) => {
        void this.line(`could not start ${command}: ${err.message}`).then(() => resolve(127));
      });
      child.once('close', (status, signal) => resolve(status ?? (signal ? 128 : 1)));
    });
    if (code !== 0) await this.line(`(exit ${code})`);
    return code;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** The last `count` lines of a log file (reads only its end). */
export async function logTail(path: string, count = 30): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const tail = text.length > 256 * 1024 ? text.slice(-256 * 1024) : text;
  return tail.trimEnd().split('\n').slice(-count).join('\n');
}
