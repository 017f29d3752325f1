/**
 * Champion against shadow: what a module's shadow alias would have said on the alerts the
 * module scored, over the alerts both scored. Served by `aviary modules compare`,
 * `GET /api/aviary/modules/<module>/comparison` and the UI's module page.
 */

export interface ModuleComparison {
  readonly module: string;
  /** The registered model both sides are versions of. */
  readonly modelName: string;
  /** The alias the module follows (e.g. champion), or null for a fixed version. */
  readonly championAlias: string | null;
  /** The numeric output compared (default: the module's first). */
  readonly output: string;
  /** A score at or above it says yes (default 0.5). */
  readonly threshold: number;
  /** One per shadow alias with stored outputs, in the config's order when known. */
  readonly shadows: readonly ShadowComparison[];
  /** Why the module's own labels could not be read (e.g. its labels file is not on this machine): the comparison is without them. */
  readonly labelsUnavailable?: string;
}

export interface ShadowComparison {
  readonly alias: string;
  /** The versions seen on each side over the compared alerts, in version order. */
  readonly championVersions: readonly (string | null)[];
  readonly shadowVersions: readonly (string | null)[];
  /** Alerts both scored with a finite number for the output. */
  readonly count: number;
  /** Fraction of them on the same side of the threshold; null when count is 0. */
  readonly agreement: number | null;
  /** Pearson's correlation of the two scores; null when count < 2 or a side is constant. */
  readonly correlation: number | null;
  readonly meanAbsDifference: number | null;
  readonly maxAbsDifference: number | null;
  /** Both score distributions over the same bins. */
  readonly histogram: ComparisonHistogram;
  /** The alerts where the scores differ most, largest |difference| first (at most 20). */
  readonly disagreements: readonly Disagreement[];
  /** Present when the module's labels are known and at least one compared alert has one. */
  readonly labels?: LabelComparison;
}

export interface ComparisonHistogram {
  /** bins + 1 edges: [0, 1] in 20 bins when every score is a probability, else min to max. */
  readonly edges: readonly number[];
  readonly champion: readonly number[];
  readonly shadow: readonly number[];
}

export interface Disagreement {
  readonly survey: 'ztf' | 'lsst';
  readonly alertId: bigint;
  readonly objectId: string | bigint | null;
  readonly champion: number;
  readonly shadow: number;
  /** shadow - champion. */
  readonly difference: number;
}

export interface LabelComparison {
  /** Where the truth came from: the labels file or the field. */
  readonly source: string;
  /** The value (class) counted as positive. */
  readonly positive: string;
  /** Compared alerts with a label; of them, positives. */
  readonly labelled: number;
  readonly positives: number;
  readonly champion: LabelMetrics;
  readonly shadow: LabelMetrics;
}

export interface LabelMetrics {
  /** At the threshold; null when undefined (no predicted positive, no positive). */
  readonly precision: number | null;
  readonly recall: number | null;
  /** Null with only one class among the labelled alerts. */
  readonly rocAuc: number | null;
  readonly confusion: { readonly truePositives: number; readonly falsePositives: number; readonly trueNegatives: number; readonly falseNegatives: number };
}
