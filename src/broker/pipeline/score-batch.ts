/**
 * One batch through the science modules, level by level: the modules of a level run side by
 * side, each given the outputs of the modules it reads, and beside each its shadow aliases, given
 * the same. Every alert comes out with the scores of every module that scored it, in the config's
 * order, and apart, its shadows' outputs.
 */
import type { Alert } from '../alert.js';
import type { EnrichedAlert, ModuleDeadLetter, ModuleScores, OutputValue, ShadowScores } from '../enriched-alert.js';
import type { ScienceModule } from '../modules/science-module.js';
import type { ShadowBatchResult } from '../modules/shadow-module.js';

/** What scoreBatch needs of a shadow (ShadowModule). */
export interface BatchShadow {
  score(alerts: readonly Alert[], prior: readonly Readonly<Record<string, OutputValue>>[]): Promise<ShadowBatchResult>;
}

export interface ScoredBatch {
  readonly enriched: readonly EnrichedAlert[];
  readonly deadLetters: readonly ModuleDeadLetter[];
  /** The shadows' dead letters (module `snia@challenger`): stored, not counted as the run's. */
  readonly shadowDeadLetters: readonly ModuleDeadLetter[];
  readonly preprocessingMs: number;
  readonly modelMs: number;
}

/** `modules` in the config's order; `levels` their names as moduleLevels orders them; `shadows` by module name. */
export async function scoreBatch(
  alerts: readonly Alert[],
  modules: readonly ScienceModule[],
  levels: readonly (readonly string[])[],
  shadows: ReadonlyMap<string, readonly BatchShadow[]> = new Map(),
): Promise<ScoredBatch> {
  const byName = new Map(modules.map((m) => [m.config.name, m]));
  const scores = new Map<string, readonly (ModuleScores | undefined)[]>();
  const shadowScores = new Map<string, readonly ShadowBatchResult[]>();
  const deadLetters: ModuleDeadLetter[] = [];
  let preprocessingMs = 0;
  let modelMs = 0;
  for (const level of levels) {
    await Promise.all(
      level.map(async (name) => {
        const module = byName.get(name)!;
        const prior = alerts.map((_, i) => priorOutputs(module.config.reads, scores, i));
        const [result, shadowResults] = await Promise.all([module.score(alerts, prior), Promise.all((shadows.get(name) ?? []).map((s) => s.score(alerts, prior)))]);
        scores.set(name, result.scores);
        if (shadowResults.length > 0) shadowScores.set(name, shadowResults);
        deadLetters.push(...result.deadLetters);
        preprocessingMs += result.preprocessingMs;
        modelMs += result.modelMs;
      }),
    );
  }
  const enriched = alerts.map((alert, i) => {
    const scored = { alert, scores: modules.flatMap((m) => scores.get(m.config.name)?.[i] ?? []) };
    if (shadowScores.size === 0) return scored;
    const said = modules.flatMap((m) => (shadowScores.get(m.config.name) ?? []).flatMap((r): ShadowScores[] => (r.shadows[i] ? [r.shadows[i]!] : [])));
    return { ...scored, shadows: said };
  });
  const shadowDeadLetters = [...shadowScores.values()].flatMap((results) => results.flatMap((r) => r.deadLetters));
  return { enriched, deadLetters, shadowDeadLetters, preprocessingMs, modelMs };
}

function priorOutputs(reads: readonly string[], scores: ReadonlyMap<string, readonly (ModuleScores | undefined)[]>, i: number): Record<string, OutputValue> {
  const outputs: Record<string, OutputValue> = {};
  for (const read of reads) Object.assign(outputs, scores.get(read)?.[i]?.outputs);
  return outputs;
}
