/**
 * What the pipeline hands on after the science modules ran: the alert, each module's outputs
 * with the model version that produced them, and the alerts a module could not score.
 */
import type { Alert } from './alert.js';

/** A module output value: scores are numbers; a module may also emit a label or a flag. */
export type OutputValue = number | string | boolean | null;

export interface ModuleScores {
  /** The module's name in the broker config. */
  readonly module: string;
  /** The registered model's name (or the model folder for a local model). */
  readonly model: string;
  /** The registered version that produced the outputs; null for a local model folder. */
  readonly version: string | null;
  /** Output column name to value, as the config names them. */
  readonly outputs: Readonly<Record<string, OutputValue>>;
}

/**
 * What a module's shadow alias (`shadow: [challenger]`) said of the alert: the version the alias
 * pointed at and its outputs, named as the module's own. Stored apart from the module's outputs;
 * filters see it only through `module@alias.output`, sinks never.
 */
export interface ShadowScores extends ModuleScores {
  /** The alias followed, e.g. challenger. */
  readonly alias: string;
}

export interface EnrichedAlert {
  readonly alert: Alert;
  /** One entry per module that scored this alert, in the config's order. */
  readonly scores: readonly ModuleScores[];
  /** One entry per shadow alias that scored this alert (absent when the run has none). */
  readonly shadows?: readonly ShadowScores[];
}

/** An alert a module could not score: dead-lettered for that module only. */
export interface ModuleDeadLetter {
  readonly module: string;
  readonly survey: Alert['survey'];
  readonly alertId: bigint;
  readonly objectId: Alert['objectId'];
  /** input, preprocessing, predict (what raised), or degraded (the module's worker was down). */
  readonly stage: 'input' | 'preprocessing' | 'predict' | 'degraded' | 'timeout';
  /** The exception type and message, e.g. "ValueError: magpsf is NaN". */
  readonly reason: string;
  readonly model: string;
  readonly version: string | null;
}

/** Every module's outputs as one flat record (output name to value): what filters and later modules read. */
export function outputsOf(scores: readonly ModuleScores[]): Record<string, OutputValue> {
  const all: Record<string, OutputValue> = {};
  for (const s of scores) Object.assign(all, s.outputs);
  return all;
}
