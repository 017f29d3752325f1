/**
 * One batch through the science modules, level by level: the modules of a level run side by
 * side, each given the outputs of the modules it reads. Every alert comes out with the scores
 * of every module that scored it, in the config's order.
 */
import type { Alert } from '../alert.js';
import type { EnrichedAlert, ModuleDeadLetter, ModuleScores, OutputValue } from '../enriched-alert.js';
import type { ScienceModule } from '../modules/science-module.js';

export interface ScoredBatch {
  readonly enriched: readonly EnrichedAlert[];
  readonly deadLetters: readonly ModuleDeadLetter[];
  readonly preprocessingMs: number;
  readonly modelMs: number;
}

/** `modules` in the config's order; `levels` their names as moduleLevels orders them. */
export async function scoreBatch(alerts: readonly Alert[], modules: readonly ScienceModule[], levels: readonly (readonly string[])[]): Promise<ScoredBatch> {
  const byName = new Map(modules.map((m) => [m.config.name, m]));
  const scores = new Map<string, readonly (ModuleScores | undefined)[]>();
  const deadLetters: ModuleDeadLetter[] = [];
  let preprocessingMs = 0;
  let modelMs = 0;
  for (const level of levels) {
    await Promise.all(
      level.map(async (name) => {
        const module = byName.get(name)!;
        const prior = alerts.map((_, i) => priorOutputs(module.config.reads, scores, i));
        const result = await module.score(alerts, prior);
        scores.set(name, result.scores);
        deadLetters.push(...result.deadLetters);
        preprocessingMs += result.preprocessingMs;
        modelMs += result.modelMs;
      }),
    );
  }
  const enriched = alerts.map((alert, i) => ({ alert, scores: modules.flatMap((m) => scores.get(m.config.name)?.[i] ?? []) }));
  return { enriched, deadLetters, preprocessingMs, modelMs };
}

function priorOutputs(reads: readonly string[], scores: ReadonlyMap<string, readonly (ModuleScores | undefined)[]>, i: number): Record<string, OutputValue> {
  const outputs: Record<string, OutputValue> = {};
  for (const read of reads) Object.assign(outputs, scores.get(read)?.[i]?.outputs);
  return outputs;
}
