/**
 * MLflow keeps prompts as registered models tagged `mlflow.prompt.is_prompt = 'true'`, and its
 * registry searches hide them unless the filter asks for prompts
 * (`tags.`mlflow.prompt.is_prompt` = 'true'`, or `!= 'false'`). When the filter does not ask,
 * prompts are left out and any comparison on that tag is dropped, so
 * `tags.`mlflow.prompt.is_prompt` = 'false'` finds the models, which lack the tag.
 */
import type { Comparison, SearchKey } from './comparison.js';

export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

export interface PromptSplit<K extends SearchKey> {
  readonly comparisons: Comparison<K>[];
  /** True when prompts must be left out of the results. */
  readonly excludePrompts: boolean;
}

export function splitPromptFilter<K extends SearchKey>(comparisons: readonly Comparison<K>[]): PromptSplit<K> {
  const promptComparison = comparisons.find((c) => c.key.entity === 'tag' && c.key.name === IS_PROMPT_TAG);
  const asksForPrompts =
    promptComparison?.type === 'string' &&
    ((promptComparison.op === '=' && promptComparison.value.toLowerCase() === 'true') ||
      (promptComparison.op === '!=' && promptComparison.value.toLowerCase() === 'false'));
  if (asksForPrompts) return { comparisons: [...comparisons], excludePrompts: false };
  return {
    comparisons: comparisons.filter((c) => !(c.key.entity === 'tag' && c.key.name === IS_PROMPT_TAG)),
    excludePrompts: true,
  };
}
