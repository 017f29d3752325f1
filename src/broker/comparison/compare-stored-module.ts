/**
 * A module's comparison from the alert store: the rows of each shadow alias (or of the one
 * asked for), the labels where the module says they are (or where the caller says), then
 * compareModule. What `aviary modules compare` and the comparison route both call.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import type { LabelSource } from '../config/broker-config.js';
import type { AlertStore } from '../store/alert-store.js';
import { compareModule, type ComparisonLabels } from './compare-module.js';
import type { ComparedModule } from './compared-module.js';
import type { ModuleComparison } from './module-comparison.js';
import { openLabels } from './read-labels.js';

export interface CompareOptions {
  /** Only this shadow alias (default: every shadow of the module). */
  readonly alias?: string;
  readonly output?: string;
  readonly threshold?: number;
  /** Most alerts compared a shadow, the most recently stored first. */
  readonly limit?: number;
  /** Instead of the module's own labels. */
  readonly labels?: LabelSource;
}

export async function compareStoredModule(store: AlertStore, module: ComparedModule, options: CompareOptions = {}): Promise<ModuleComparison> {
  const aliases = options.alias !== undefined ? [options.alias] : module.shadows;
  if (aliases.length === 0) throw MlflowError.invalid(`module ${module.name} has no shadow alias: add \`shadow: [challenger]\` to it in the broker config, or name one (--alias, or ?alias= over HTTP)`);
  const source = options.labels ?? module.labels;
  let labels: ComparisonLabels | undefined;
  let labelsUnavailable: string | undefined;
  try {
    labels = source && (await openLabels(source));
  } catch (err) {
    // Labels asked for are the caller's to fix; the module's own may live on another machine: compare without them.
    if (options.labels) throw MlflowError.invalid((err as Error).message);
    labelsUnavailable = (err as Error).message;
  }
  const labelField = labels && source && 'field' in source ? source.field : undefined;
  const shadows = [];
  for (const alias of aliases) {
    const rows = await store.comparisonRows({ module: module.name, alias, ...(options.limit !== undefined && { limit: options.limit }), ...(labelField && { labelField }) });
    shadows.push({ alias, rows });
  }
  const comparison = compareModule({
    module: module.name,
    modelName: module.modelName,
    championAlias: module.alias,
    shadows,
    ...(options.output !== undefined && { output: options.output }),
    ...(options.threshold !== undefined && { threshold: options.threshold }),
    ...(labels && { labels }),
  });
  return labelsUnavailable === undefined ? comparison : { ...comparison, labelsUnavailable };
}
