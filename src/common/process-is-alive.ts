/**
 * Whether a process of this host still exists: signal 0 checks without signalling. Only ESRCH
 * means gone; EPERM means it exists under another user. A pid that cannot be a process (0 and
 * below would signal a process group) is not alive.
 */
export function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
