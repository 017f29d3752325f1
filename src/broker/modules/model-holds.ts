/**
 * A loaded model shared by a module and its shadow (the champion moved to the version its
 * challenger shadow already scores with, or back): closed when the last of them lets it go.
 * A model starts with one holder, whoever loaded it.
 */
import type { PreprocessedModel } from '../../runtime/preprocessing/preprocessed-model.js';

const extraHolders = new WeakMap<PreprocessedModel, number>();

/** One more holder of `model`; each holder calls release once. */
export function hold(model: PreprocessedModel): PreprocessedModel {
  extraHolders.set(model, (extraHolders.get(model) ?? 0) + 1);
  return model;
}

/** Lets `model` go: closed when no holder is left. */
export async function release(model: PreprocessedModel): Promise<void> {
  const extra = extraHolders.get(model) ?? 0;
  if (extra > 0) {
    extraHolders.set(model, extra - 1);
    return;
  }
  extraHolders.delete(model);
  await model.close();
}
