/**
 * What every sink writes besides the payload: which models produced an alert's outputs, and
 * which payload fields are cutouts (left out or kept as a filter's `cutouts` says).
 */
import type { ModuleScores } from '../enriched-alert.js';

/** ZTF: records {fileName, stampData}; Rubin: bytes. */
export const CUTOUT_FIELDS: readonly string[] = ['cutoutScience', 'cutoutTemplate', 'cutoutDifference'];

export interface ModuleProvenance {
  readonly module: string;
  readonly model: string;
  readonly version: string | null;
}

export function provenanceOf(scores: readonly ModuleScores[]): ModuleProvenance[] {
  return scores.map(({ module, model, version }) => ({ module, model, version }));
}
