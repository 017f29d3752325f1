/**
 * The filter of an expression: parsed and checked once (a FilterSyntaxError names the
 * position and what was expected there), then matched against every alert's FilterRecord.
 * The grammar is in filter-parser.ts; the meaning of values and comparisons in filter-values.ts.
 */
import type { AlertFilter, FilterRecord } from './alert-filter.js';
import { compileFilter } from './filter-evaluator.js';
import { parseFilterSyntax } from './filter-parser.js';
import { fieldsOf } from './filter-syntax.js';
import { lookupField } from './filter-values.js';

export function parseFilter(expression: string): AlertFilter {
  const syntax = parseFilterSyntax(expression);
  const predicate = compileFilter(syntax);
  return {
    expression,
    fields: Object.freeze(fieldsOf(syntax)),
    matches: (record: FilterRecord) => predicate(record),
  };
}

/**
 * The fields a filter reads that `record` does not have (missing, not merely null): a likely
 * typo or a module that did not run, worth a warning since a missing field is read as null.
 */
export function missingFields(filter: AlertFilter, record: FilterRecord): string[] {
  return filter.fields.filter((name) => lookupField(record, name) === undefined);
}
