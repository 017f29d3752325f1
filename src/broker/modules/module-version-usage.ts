/** How many alerts each model version scored and dead-lettered, in the order versions were used. */
import type { ModuleVersionUsage } from '../store/alert-store.js';

export class VersionUsage {
  private readonly counts = new Map<string | null, { scored: number; deadLettered: number }>();

  add(version: string | null, scored: number, deadLettered: number): void {
    const entry = this.counts.get(version) ?? { scored: 0, deadLettered: 0 };
    entry.scored += scored;
    entry.deadLettered += deadLettered;
    this.counts.set(version, entry);
  }

  /** Registers a version before it scores, so that a version used for nothing still shows. */
  start(version: string | null): void {
    this.add(version, 0, 0);
  }

  get scored(): number {
    return [...this.counts.values()].reduce((sum, c) => sum + c.scored, 0);
  }

  get deadLettered(): number {
    return [...this.counts.values()].reduce((sum, c) => sum + c.deadLettered, 0);
  }

  list(): ModuleVersionUsage[] {
    return [...this.counts].map(([version, c]) => ({ version, ...c }));
  }
}
