/**
 * The filter boundary: a declarative expression over an alert's fields and its modules'
 * outputs, e.g. `snia_score > 0.7 and drb > 0.5 and ndethist <= 20`. Parsed once at start-up
 * (parse-filter.ts); a syntax error names the position and shows it under the expression.
 */

/**
 * The record an expression is evaluated on: Fink's flat dict of the alert (candidate fields at
 * the top level, see fink-alert-dict.ts) with every module's outputs. A dotted name
 * (`candidate.magpsf`, `diaObject.nDiaSources`) walks nested records.
 */
export type FilterRecord = Readonly<Record<string, unknown>>;

export interface AlertFilter {
  /** The expression as written. */
  readonly expression: string;
  /** Every field name the expression reads, once each, in order of appearance. */
  readonly fields: readonly string[];
  matches(record: FilterRecord): boolean;
}

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  constructor(
    readonly expression: string,
    /** 0-based character offset of the error. */
    readonly position: number,
    readonly reason: string,
  ) {
    super(`${reason} at position ${position + 1}\n  ${expression}\n  ${' '.repeat(position)}^`);
  }
}
