/**
 * The preprocessing contract of a Fink AI model, checked on real alerts. A model version's
 * source run holds `preprocessing/preprocessing.py` (FEATURE_NAMES and
 * `pre_processing(alert: dict) -> list[float]`); on every alert it must:
 *   - never raise, and return exactly len(FEATURE_NAMES) finite floats (else the alert fails);
 *   - take at most 5 ms per alert on average (error);
 *   - not give the same value for every feature on every alert (error: the preprocessing does
 *     not match the alerts), nor the same value for one feature on every alert (warning:
 *     usually a wrong field name);
 * and the model must accept the features (error). Alerts that could not be handed to
 * pre_processing at all (unreadable input, no alert dict) are skipped: an error unless allowed,
 * since a check of what was left says nothing of what was not. Any error fails the check.
 *
 * This file holds the logic only, behind two functions: one runs the preprocessing on a chunk
 * of alerts (a Python process, see python-preprocessing-runner.ts), one scores feature rows.
 * Alerts arrive as a stream and are handled a chunk at a time, so memory stays bounded.
 */

/** An alert as pre_processing() receives it: the flat Fink dict (src/broker/fink-alert-dict.ts). */
export type AlertDict = Readonly<Record<string, unknown>>;

/** What the preprocessing gave for one alert. A feature that is not a number comes back as a description ("str 'abc'"). */
export interface PreprocessingOutcome {
  readonly features?: readonly (number | string)[];
  /** Why there are no features: "raises KeyError: 'magpsf' (at preprocessing.py:12 in pre_processing)". */
  readonly error?: string;
  /** Time spent in pre_processing(). */
  readonly ms: number;
}

export type RunPreprocessing = (alerts: readonly AlertDict[]) => Promise<readonly PreprocessingOutcome[]>;
/** Scores rows of features (in FEATURE_NAMES order); throws when the model refuses them. Returns the number of rows predicted, when known. */
export type PredictFeatures = (rows: readonly (readonly number[])[]) => Promise<number | void>;

export interface AlertToCheck {
  /** How to name the alert in a failure: objectId/candid. */
  readonly label: string;
  readonly dict: AlertDict;
}

/** An input not checked: a dead letter of the source, or an alert whose dict could not be built. */
export interface SkippedAlert {
  readonly skipped: string;
  /** Where: the file and the position in it. */
  readonly at: string;
}

/** Skips grouped by reason (numbers aside, so "block 3 ..." and "block 7 ..." are one group). */
export interface SkippedGroup {
  readonly count: number;
  /** The first skip's reason and place. */
  readonly reason: string;
  readonly firstAt: string;
}

/** Alerts whose features are shown when every feature is constant. */
const SAMPLE_ROWS = 5;

export interface PreprocessingCheckOptions {
  readonly featureNames: readonly string[];
  readonly alerts: AsyncIterable<AlertToCheck | SkippedAlert> | Iterable<AlertToCheck | SkippedAlert>;
  readonly preprocess: RunPreprocessing;
  /** Absent: the model part is not checked (and a warning says so). */
  readonly predict?: PredictFeatures;
  readonly maxMeanMs?: number;
  readonly chunkSize?: number;
  /** Skipped alerts are a warning rather than an error. */
  readonly allowSkipped?: boolean;
}

export interface AlertFailure {
  readonly label: string;
  readonly reason: string;
}

export interface PreprocessingCheckReport {
  readonly featureNames: readonly string[];
  /** Alerts handed to pre_processing. */
  readonly alerts: number;
  readonly skipped: number;
  readonly skippedGroups: readonly SkippedGroup[];
  /** Alerts whose features passed. */
  readonly passed: number;
  readonly meanMs: number;
  readonly maxMeanMs: number;
  readonly failures: readonly AlertFailure[];
  /** Features with one value across every passing alert. */
  readonly constantFeatures: readonly { readonly name: string; readonly value: number }[];
  /** Every feature constant: the preprocessing reads fields the alerts do not have (or not by those names). */
  readonly allConstant: boolean;
  /** The alert dicts' top-level keys, in the order first seen: what pre_processing could read. */
  readonly fields: readonly string[];
  /** The features of the first passing alerts. */
  readonly sample: readonly { readonly label: string; readonly features: readonly number[] }[];
  /** Rows the model scored. */
  readonly predicted: number;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  readonly ok: boolean;
}

export async function checkPreprocessing(options: PreprocessingCheckOptions): Promise<PreprocessingCheckReport> {
  const names = options.featureNames;
  const maxMeanMs = options.maxMeanMs ?? 5;
  const chunkSize = options.chunkSize ?? 200;
  const failures: AlertFailure[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const min = new Array<number>(names.length).fill(Infinity);
  const max = new Array<number>(names.length).fill(-Infinity);
  const fields = new Set<string>();
  const sample: { label: string; features: number[] }[] = [];
  const skippedGroups = new Map<string, { count: number; reason: string; firstAt: string }>();
  let alerts = 0, skipped = 0, passed = 0, totalMs = 0, predicted = 0;
  let modelError: string | undefined;

  const runChunk = async (chunk: AlertToCheck[]) => {
    const outcomes = await options.preprocess(chunk.map((a) => a.dict));
    if (outcomes.length !== chunk.length) throw new Error(`the preprocessing runner answered ${outcomes.length} alerts for ${chunk.length}`);
    const rows: number[][] = [];
    outcomes.forEach((outcome, i) => {
      alerts += 1;
      for (const key of Object.keys(chunk[i]!.dict)) fields.add(key);
      totalMs += outcome.ms;
      const problem = problemOf(outcome, names);
      if (problem) {
        failures.push({ label: chunk[i]!.label, reason: problem });
        return;
      }
      const row = outcome.features as number[];
      row.forEach((v, k) => {
        min[k] = Math.min(min[k]!, v);
        max[k] = Math.max(max[k]!, v);
      });
      passed += 1;
      rows.push(row);
      if (sample.length < SAMPLE_ROWS) sample.push({ label: chunk[i]!.label, features: row });
    });
    if (options.predict && rows.length > 0 && modelError === undefined) {
      try {
        const scored = await options.predict(rows);
        if (typeof scored === 'number' && scored !== rows.length) modelError = `the model answered ${scored} rows for ${rows.length}`;
        else predicted += rows.length;
      } catch (err) {
        modelError = err instanceof Error ? err.message : String(err);
      }
    }
  };

  let chunk: AlertToCheck[] = [];
  for await (const alert of options.alerts) {
    if ('skipped' in alert) {
      skipped += 1;
      const key = alert.skipped.replace(/\d+/g, '#');
      const group = skippedGroups.get(key);
      if (group) group.count += 1;
      else skippedGroups.set(key, { count: 1, reason: alert.skipped, firstAt: alert.at });
      continue;
    }
    chunk.push(alert);
    if (chunk.length >= chunkSize) {
      await runChunk(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await runChunk(chunk);

  const meanMs = alerts > 0 ? totalMs / alerts : 0;
  if (names.length === 0) errors.push('FEATURE_NAMES is empty');
  if (alerts === 0) errors.push('no alert to check the preprocessing on');
  if (skipped > 0) {
    const what = `${skipped} of ${alerts + skipped} alerts were skipped (unreadable, or no alert dict)`;
    if (options.allowSkipped) warnings.push(`${what}: only the others were checked`);
    else errors.push(`${what}: the preprocessing was not checked on them (--allow-skipped accepts that)`);
  }
  if (failures.length > 0) errors.push(`${failures.length} of ${alerts} alerts raise or return bad features: pre_processing() must never raise and must return ${names.length} finite floats`);
  if (meanMs > maxMeanMs) errors.push(`pre_processing() takes ${meanMs.toFixed(2)} ms per alert on average, more than the ${maxMeanMs} ms allowed (no DataFrame, file access or network call per alert)`);
  const constantFeatures = names.flatMap((name, k) => (passed > 0 && min[k] === max[k] ? [{ name, value: min[k]! }] : []));
  const allConstant = passed >= 2 && names.length > 0 && constantFeatures.length === names.length;
  if (passed >= 2 && names.length > 0) {
    if (allConstant) {
      errors.push(`every feature is constant across the ${passed} alerts: the preprocessing does not match the alerts (compare its field names with the alert's)`);
    } else {
      for (const c of constantFeatures) warnings.push(`feature "${c.name}" is ${c.value} on all ${passed} alerts: usually a wrong field name`);
    }
  } else if (passed === 1) {
    warnings.push('only one alert passed: constant features cannot be told apart');
  }
  if (!options.predict) warnings.push('the model was not asked to score the features');
  else if (modelError !== undefined) errors.push(`the model does not accept the features: ${modelError}`);
  return {
    featureNames: names,
    alerts,
    skipped,
    skippedGroups: [...skippedGroups.values()],
    passed,
    meanMs,
    maxMeanMs,
    failures,
    constantFeatures,
    allConstant,
    fields: [...fields],
    sample,
    predicted,
    errors,
    warnings,
    ok: errors.length === 0,
  };
}

function problemOf(outcome: PreprocessingOutcome, names: readonly string[]): string | undefined {
  if (outcome.error !== undefined) return outcome.error;
  const features = outcome.features;
  if (!features) return 'returns no list of features';
  if (features.length !== names.length) return `returns ${features.length} values; FEATURE_NAMES has ${names.length}`;
  for (const [k, v] of features.entries()) {
    const name = `feature ${k} (${names[k]})`;
    if (typeof v !== 'number') return `${name} is not a float: ${v}`;
    if (!Number.isFinite(v)) return `${name} is ${v}, not a finite float`;
  }
  return undefined;
}
