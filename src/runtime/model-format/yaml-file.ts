/** Reads the YAML files of a model folder, with errors that name the file. */
import { readFile } from 'node:fs/promises';
import { isScalar, parseDocument } from 'yaml';
import { ModelFormatError } from './model-format-error.js';

export interface YamlFile {
  readonly path: string;
  readonly value: unknown;
  /** A scalar's text as written: `python: 3.10` gives "3.10", where `value` holds the number 3.1. */
  scalarText(...keys: (string | number)[]): string | undefined;
}

/** The parsed file, or undefined when it does not exist. */
export async function readYamlFile(path: string): Promise<YamlFile | undefined> {
  const text = await readTextFile(path);
  if (text === undefined) return undefined;
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  const [error] = doc.errors;
  if (error) throw new ModelFormatError(path, `invalid YAML: ${error.message.split('\n')[0]}`);
  return {
    path,
    value: doc.toJS(),
    scalarText: (...keys) => {
      const node = doc.getIn(keys, true);
      if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
      return typeof node.source === 'string' && node.source !== '' ? node.source : String(node.value);
    },
  };
}

/** The file's text, or undefined when it does not exist; any other failure names the file. */
export async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const why = code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${String(err)})`;
    throw new ModelFormatError(path, why);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, or undefined when absent or null; anything else is an error naming the field. */
export function optionalString(file: string, field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ModelFormatError(file, `${field} must be a string, not ${JSON.stringify(value)}`);
}
