/**
 * The numbers of a comparison, computed from the rows the alert store returns (each alert
 * scored by both the module and one shadow alias): agreement at a threshold, Pearson's
 * correlation, the |difference| of the scores, both histograms over the same bins, the largest
 * disagreements and, with labels, precision, recall, ROC AUC and the confusion matrix per side.
 */
import { MlflowError } from '../../common/mlflow-error.js';
import type { ComparisonRow } from '../store/alert-store.js';
import type { ComparisonHistogram, Disagreement, LabelComparison, LabelMetrics, ModuleComparison, ShadowComparison } from './module-comparison.js';

export const DEFAULT_THRESHOLD = 0.5;
const BINS = 20;
const MOST_DISAGREEMENTS = 20;

/** The truth of an alert: its class as text, or undefined when unknown. */
export interface ComparisonLabels {
  readonly source: string;
  readonly positive: string;
  classOf(row: ComparisonRow): string | undefined;
}

export interface CompareModuleInput {
  readonly module: string;
  readonly modelName: string;
  readonly championAlias: string | null;
  /** Each shadow alias with its rows, in the order they are to be shown. */
  readonly shadows: readonly { readonly alias: string; readonly rows: readonly ComparisonRow[] }[];
  /** Default: the first numeric output of the rows. */
  readonly output?: string;
  readonly threshold?: number;
  readonly labels?: ComparisonLabels;
}

/** One alert with both scores finite. */
interface Pair {
  readonly row: ComparisonRow;
  readonly champion: number;
  readonly shadow: number;
}

/** Throws INVALID_PARAMETER_VALUE when `output` is given and no row has it as a number. Shadows without rows are left out. */
export function compareModule(input: CompareModuleInput): ModuleComparison {
  const threshold = input.threshold ?? DEFAULT_THRESHOLD;
  const withRows = input.shadows.filter((s) => s.rows.length > 0);
  const output = input.output ?? firstNumericOutput(withRows.flatMap((s) => s.rows)) ?? '';
  if (input.output !== undefined && withRows.length > 0 && !withRows.some((s) => s.rows.some((r) => typeof r.champion.outputs[input.output!] === 'number'))) {
    const known = numericOutputs(withRows.flatMap((s) => s.rows));
    throw MlflowError.invalid(`module ${input.module} has no numeric output '${input.output}': its outputs are ${known.join(', ') || 'none numeric'}`);
  }
  return {
    module: input.module,
    modelName: input.modelName,
    championAlias: input.championAlias,
    output,
    threshold,
    shadows: withRows.map((s) => compareShadow(s.alias, s.rows, output, threshold, input.labels)),
  };
}

export function compareShadow(alias: string, rows: readonly ComparisonRow[], output: string, threshold: number, labels?: ComparisonLabels): ShadowComparison {
  const pairs = finitePairs(rows, output);
  const differences = pairs.map((p) => Math.abs(p.shadow - p.champion));
  const count = pairs.length;
  const labelled = labels && labelComparison(pairs, threshold, labels);
  return {
    alias,
    championVersions: versionsOf(pairs.map((p) => p.row.champion.version)),
    shadowVersions: versionsOf(pairs.map((p) => p.row.shadow.version)),
    count,
    agreement: count === 0 ? null : pairs.filter((p) => p.champion >= threshold === p.shadow >= threshold).length / count,
    correlation: pearson(pairs.map((p) => p.champion), pairs.map((p) => p.shadow)),
    meanAbsDifference: count === 0 ? null : differences.reduce((a, b) => a + b, 0) / count,
    maxAbsDifference: count === 0 ? null : differences.reduce((a, b) => Math.max(a, b), 0),
    histogram: histogram(pairs),
    disagreements: largestDisagreements(pairs),
    ...(labelled && { labels: labelled }),
  };
}

function finitePairs(rows: readonly ComparisonRow[], output: string): Pair[] {
  const pairs: Pair[] = [];
  for (const row of rows) {
    const champion = row.champion.outputs[output];
    const shadow = row.shadow.outputs[output];
    if (typeof champion === 'number' && Number.isFinite(champion) && typeof shadow === 'number' && Number.isFinite(shadow)) pairs.push({ row, champion, shadow });
  }
  return pairs;
}

function numericOutputs(rows: readonly ComparisonRow[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const [name, value] of Object.entries(row.champion.outputs)) if (typeof value === 'number') names.add(name);
  return [...names];
}

function firstNumericOutput(rows: readonly ComparisonRow[]): string | undefined {
  return numericOutputs(rows)[0];
}

/** Distinct versions, numbers in order, a local folder's null last. */
function versionsOf(versions: readonly (string | null)[]): (string | null)[] {
  return [...new Set(versions)].sort((a, b) => (a === null ? 1 : b === null ? -1 : Number(a) - Number(b) || a.localeCompare(b)));
}

/** Null when fewer than two pairs or either side constant (the correlation is undefined). */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    const dy = ys[i]! - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** [0, 1] when every score is a probability, else min to max (a span of 1 when all are equal). */
function histogram(pairs: readonly Pair[]): ComparisonHistogram {
  const all = pairs.flatMap((p) => [p.champion, p.shadow]);
  const probabilities = all.every((v) => v >= 0 && v <= 1);
  // Spreading 200,000 scores into Math.min would overflow the stack: reduce instead.
  const low = probabilities ? 0 : all.reduce((a, b) => Math.min(a, b), Infinity);
  const span = probabilities ? 1 : all.reduce((a, b) => Math.max(a, b), -Infinity) - low || 1;
  const edges = Array.from({ length: BINS + 1 }, (_, i) => low + (span * i) / BINS);
  const bin = (v: number) => Math.min(BINS - 1, Math.floor(((v - low) / span) * BINS));
  const champion = new Array<number>(BINS).fill(0);
  const shadow = new Array<number>(BINS).fill(0);
  for (const p of pairs) {
    champion[bin(p.champion)]!++;
    shadow[bin(p.shadow)]!++;
  }
  return { edges, champion, shadow };
}

/** Largest |difference| first; equal ones by alert id, so the list is the same on every call. Kept as it goes: no sort of every pair. */
function largestDisagreements(pairs: readonly Pair[]): Disagreement[] {
  const top: Pair[] = [];
  for (const pair of pairs) {
    if (top.length === MOST_DISAGREEMENTS && !comesBefore(pair, top[top.length - 1]!)) continue;
    let at = top.length;
    while (at > 0 && comesBefore(pair, top[at - 1]!)) at--;
    top.splice(at, 0, pair);
    if (top.length > MOST_DISAGREEMENTS) top.pop();
  }
  return top.map((p) => ({ survey: p.row.survey, alertId: p.row.alertId, objectId: p.row.objectId, champion: p.champion, shadow: p.shadow, difference: p.shadow - p.champion }));
}

function comesBefore(a: Pair, b: Pair): boolean {
  const da = Math.abs(a.shadow - a.champion);
  const db = Math.abs(b.shadow - b.champion);
  if (da !== db) return da > db;
  if (a.row.alertId !== b.row.alertId) return a.row.alertId < b.row.alertId;
  return a.row.survey < b.row.survey;
}

function labelComparison(pairs: readonly Pair[], threshold: number, labels: ComparisonLabels): LabelComparison | undefined {
  const known: { pair: Pair; positive: boolean }[] = [];
  for (const pair of pairs) {
    const label = labels.classOf(pair.row);
    if (label !== undefined) known.push({ pair, positive: label === labels.positive });
  }
  if (known.length === 0) return undefined;
  const truth = known.map((k) => k.positive);
  return {
    source: labels.source,
    positive: labels.positive,
    labelled: known.length,
    positives: truth.filter(Boolean).length,
    champion: labelMetrics(known.map((k) => k.pair.champion), truth, threshold),
    shadow: labelMetrics(known.map((k) => k.pair.shadow), truth, threshold),
  };
}

export function labelMetrics(scores: readonly number[], truth: readonly boolean[], threshold: number): LabelMetrics {
  let truePositives = 0;
  let falsePositives = 0;
  let trueNegatives = 0;
  let falseNegatives = 0;
  scores.forEach((score, i) => {
    const predicted = score >= threshold;
    if (truth[i]) predicted ? truePositives++ : falseNegatives++;
    else predicted ? falsePositives++ : trueNegatives++;
  });
  return {
    precision: truePositives + falsePositives === 0 ? null : truePositives / (truePositives + falsePositives),
    recall: truePositives + falseNegatives === 0 ? null : truePositives / (truePositives + falseNegatives),
    rocAuc: rocAuc(scores, truth),
    confusion: { truePositives, falsePositives, trueNegatives, falseNegatives },
  };
}

/**
 * The probability that a positive scores above a negative, ties counted half (the Mann-Whitney
 * statistic from average ranks); null with only one class.
 */
export function rocAuc(scores: readonly number[], truth: readonly boolean[]): number | null {
  const positives = truth.filter(Boolean).length;
  const negatives = truth.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = scores.map((score, i) => ({ score, positive: truth[i]! })).sort((a, b) => a.score - b.score);
  let positiveRanks = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.score === order[start]!.score) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) if (order[i]!.positive) positiveRanks += averageRank;
    start = end + 1;
  }
  return (positiveRanks - (positives * (positives + 1)) / 2) / (positives * negatives);
}
