/**
 * At most `limit` batches between read and stored: the runner waits for room before it pulls
 * the source again, so memory stays flat however long the input. The first failure is kept;
 * later batches still finish, so nothing read is left half-written.
 */
export class InFlight {
  private readonly running = new Set<Promise<void>>();
  private failure?: { error: unknown };
  /** The most batches ever in flight at once. */
  peak = 0;

  constructor(readonly limit: number) {}

  /** Batches under way now. */
  get size(): number {
    return this.running.size;
  }

  get failed(): { error: unknown } | undefined {
    return this.failure;
  }

  /** Resolves when fewer than `limit` batches are in flight. */
  async room(): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
  }

  add(work: Promise<void>): void {
    const tracked = work.then(
      () => {},
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    const entry = tracked.finally(() => this.running.delete(entry));
    this.running.add(entry);
    this.peak = Math.max(this.peak, this.running.size);
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
