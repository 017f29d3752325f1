/** One `filters:` entry of a broker config: its expression parsed now, its output's format known. */
import { extname, resolve } from 'node:path';
import { FilterSyntaxError } from '../filters/alert-filter.js';
import { parseFilter } from '../filters/parse-filter.js';
import type { FilterConfig, SinkFormat } from './broker-config.js';
import type { ConfigReader, ConfigValue } from './config-reader.js';

const KEYS = ['name', 'expression', 'output', 'format', 'cutouts'];
const FORMATS: Record<string, SinkFormat> = { '.jsonl': 'jsonl', '.json': 'jsonl', '.avro': 'avro' };

export interface ReadFilter {
  readonly config: FilterConfig;
  readonly at: { readonly name: ConfigValue; readonly output: ConfigValue };
}

export function readFilterConfig(reader: ConfigReader, value: ConfigValue, dir: string): ReadFilter {
  const entries = reader.mapping(value, KEYS, ['name', 'expression', 'output']);
  const get = (key: string) => entries.get(key)!;
  const name = reader.name(get('name'));
  const expression = readExpression(reader, get('expression'));
  const output = resolve(dir, reader.string(get('output')));
  const format = entries.has('format') ? readFormat(reader, get('format')) : formatOf(reader, get('output'), output);
  const cutouts = entries.has('cutouts') ? reader.boolean(get('cutouts')) : format === 'avro';
  return { config: { name, expression, output, format, cutouts }, at: { name: get('name'), output: get('output') } };
}

/** The expression, parsed once to report a syntax error at its line and column, with a caret under it. */
function readExpression(reader: ConfigReader, value: ConfigValue): string {
  const expression = reader.string(value);
  try {
    parseFilter(expression);
  } catch (err) {
    if (!(err instanceof FilterSyntaxError)) throw err;
    const offset = reader.textOffset(value);
    // Positions are counted in the trimmed text; a block scalar's text is pointed at by its start.
    const column = offset >= 0 ? offset + leadingSpaces(value) + err.position : 0;
    throw reader.error(value, `${err.reason}\n  ${expression}\n  ${' '.repeat(err.position)}^`, column);
  }
  return expression;
}

function leadingSpaces(value: ConfigValue): number {
  const raw = (value.node as { value?: unknown } | null)?.value;
  return typeof raw === 'string' ? raw.length - raw.trimStart().length : 0;
}

function readFormat(reader: ConfigReader, value: ConfigValue): SinkFormat {
  const text = reader.string(value);
  if (text !== 'jsonl' && text !== 'avro') throw reader.error(value, `expected jsonl or avro, got '${text}'`);
  return text;
}

function formatOf(reader: ConfigReader, value: ConfigValue, output: string): SinkFormat {
  const format = FORMATS[extname(output).toLowerCase()];
  if (!format) {
    throw reader.error(value, `cannot tell the format of '${output}' from its extension: use .jsonl (or .json) for JSON lines, .avro for Avro, or say format: jsonl | avro`);
  }
  return format;
}
