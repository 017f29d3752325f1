/**
 * What a parsed request remembers of where it came from, for messages that must read as MLflow's:
 * a JSON body keeps its text, so an error can show a number as it was written (`9.0` is a float
 * to MLflow's Python server; JSON.parse gives 9), and query-string input is marked, since only
 * there does one value stand for a repeated field. Nothing is read again unless a message needs it.
 */
import { parseExactJson } from '../common/exact-json-parse.js';
import { SourceNumber } from '../common/python-json.js';

const jsonTexts = new WeakMap<object, string>();
const queryInputs = new WeakSet<object>();

export function rememberJsonText<T>(parsed: T, text: string): T {
  if (typeof parsed === 'object' && parsed !== null) jsonTexts.set(parsed, text);
  return parsed;
}

export function markQueryInput<T extends object>(input: T): T {
  queryInputs.add(input);
  return input;
}

export function isQueryInput(input: unknown): boolean {
  return typeof input === 'object' && input !== null && queryInputs.has(input);
}

/**
 * The value at a parameter path (`metrics[0].value`, `tags`) of a JSON body, its numbers as
 * SourceNumber; undefined when the body's text is not known or the path is not in it.
 */
export function writtenValueAt(root: unknown, path: string): { value: unknown } | undefined {
  const text = typeof root === 'object' && root !== null ? jsonTexts.get(root) : undefined;
  if (text === undefined) return undefined;
  let node: unknown;
  try {
    node = parseExactJson(text, { number: (written) => new SourceNumber(written) });
  } catch {
    return undefined; // nested too deeply to read again: the message shows the value as parsed
  }
  for (const [, key, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (index !== undefined ? !Array.isArray(node) : typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    const step = (index ?? key)!;
    if (!Object.prototype.hasOwnProperty.call(node, step)) return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return { value: node };
}
