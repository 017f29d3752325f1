/**
 * The science module boundary: a stage that scores a batch of alerts and says, per alert,
 * either its outputs or why it could not. A module never fails a whole run for an alert or a
 * batch: those are dead-lettered for it alone, and it reports its state for the UI.
 */
import type { Alert } from '../alert.js';
import type { ModuleConfig } from '../config/broker-config.js';
import type { ModuleDeadLetter, ModuleScores, OutputValue } from '../enriched-alert.js';
import type { ModuleStatus } from '../store/alert-store.js';

export interface ModuleBatchResult {
  /** One entry per alert given, in order: its scores, or undefined when it was dead-lettered. */
  readonly scores: readonly (ModuleScores | undefined)[];
  readonly deadLetters: readonly ModuleDeadLetter[];
  /** Milliseconds in the preprocessing step and in the model, summed over the module's batches. */
  readonly preprocessingMs: number;
  readonly modelMs: number;
}

export interface ScienceModule {
  readonly config: ModuleConfig;
  /**
   * `prior[i]` holds the outputs of the modules this one reads, for alert i. Rejects only when
   * the module cannot work at all (its outputs do not fit the model): that ends the run.
   */
  score(alerts: readonly Alert[], prior: readonly Readonly<Record<string, OutputValue>>[]): Promise<ModuleBatchResult>;
  status(): ModuleStatus;
  /** Waits for batches being scored, then stops the model. */
  close(): Promise<void>;
}

/** `models:/snia@champion` -> { name: snia, alias: champion }; undefined for anything else. */
export function aliasOf(model: string): { name: string; alias: string } | undefined {
  const match = /^models:\/([^/@]+)@([^/]+)$/.exec(model);
  return match ? { name: decodeURIComponent(match[1]!), alias: match[2]! } : undefined;
}
