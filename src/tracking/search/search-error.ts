/**
 * Errors of the search grammar. Every message names the text, the character offset where the
 * problem starts and what would have been accepted there; where MLflow has its own wording it
 * comes first, so clients and tests matching MLflow's messages still match.
 */
import { MlflowError } from '../../common/mlflow-error.js';

/** The text being parsed, and how messages call it ("filter", "order_by clause"). */
export interface SearchText {
  readonly what: string;
  readonly text: string;
}

/** `found` is the offending token's text (shown quoted unless it is a quoted string), or undefined at the end of the text. */
export function syntaxError(src: SearchText, position: number, expected: string, found: string | undefined): MlflowError {
  return MlflowError.invalid(`Invalid ${src.what} '${src.text}': ${where(src, position, expected, found)}`);
}

/** A rule of MLflow broken by well-formed text: MLflow's message, then where and what was expected. */
export function grammarError(
  src: SearchText,
  mlflowMessage: string,
  position: number,
  expected: string,
  found: string | undefined,
): MlflowError {
  return MlflowError.invalid(`${mlflowMessage} (in ${src.what} '${src.text}': ${where(src, position, expected, found)})`);
}

function where(src: SearchText, position: number, expected: string, found: string | undefined): string {
  const shown = found === undefined ? `the end of the ${src.what}` : /^['"]/.test(found) ? found : `'${found}'`;
  return `at position ${position}, expected ${expected}, found ${shown}`;
}

/** MLflow prints its allowed sets as Python sets; we print ours the same way, in a stable order. */
export function pythonSet(items: readonly string[]): string {
  return `{${items.map((i) => `'${i}'`).join(', ')}}`;
}

/** ...and its lists as Python lists. */
export function pythonList(items: readonly string[]): string {
  return `[${items.map((i) => `'${i}'`).join(', ')}]`;
}
