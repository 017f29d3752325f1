/**
 * Exclusive locks between processes, held by a `flock` child process (util-linux): the kernel
 * drops a flock when its holder ends, so a build killed at any point never leaves a stale lock
 * to detect, and the lock files are the same kind scripts/python-env.sh takes. The child runs
 * `cat` on a pipe from this process; closing the pipe (release, or this process dying) ends
 * it and frees the lock.
 */
import { spawn } from 'node:child_process';

export interface FileLock {
  release(): Promise<void>;
}

const BUSY = 75;

/** Waits for the lock; `onWait` is called once if another process holds it. */
export async function lockFile(path: string, onWait?: () => void): Promise<FileLock> {
  const lock = await tryLockFile(path);
  if (lock) return lock;
  onWait?.();
  return (await acquire(path, true))!;
}

/** The lock, or undefined at once if another process holds it. */
export function tryLockFile(path: string): Promise<FileLock | undefined> {
  return acquire(path, false);
}

function acquire(path: string, wait: boolean): Promise<FileLock | undefined> {
  const args = ['--exclusive', ...(wait ? [] : ['--nonblock', '--conflict-exit-code', String(BUSY)]), path, 'sh', '-c', 'echo locked; exec cat >/dev/null'];
  const child = spawn('flock', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {}); // the holder already gone: nothing left to release
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new Error('the `flock` command (util-linux) is needed to serialise environment builds between processes; install util-linux') : err);
    });
    child.stdout.once('data', () => {
      let released: Promise<void> | undefined;
      resolve({
        release: () => {
          released ??= (async () => {
            child.stdin.end();
            await exited;
          })();
          return released;
        },
      });
    });
    void exited.then((code) => {
      if (code === BUSY && !wait) resolve(undefined);
      else reject(new Error(`flock ${path} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}
