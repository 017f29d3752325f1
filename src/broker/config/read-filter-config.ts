/** One `filters:` entry of a broker config: its expression parsed now, its output's format known. */
import { extname, resolve } from 'node:path';
import { FilterSyntaxError } from '../filters/alert-filter.js';
import { parseFilter } from '../filters/parse-filter.js';
import { isKafkaUri } from '../sources/kafka/kafka-uri.js';
import { parseKafkaSinkUri } from '../sinks/kafka/kafka-sink-address.js';
import { KAFKA_SINK_FORMATS, type FileSinkFormat, type FilterConfig, type KafkaSinkFormat } from './broker-config.js';
import type { ConfigReader, ConfigValue } from './config-reader.js';
import { readKafkaSecurity } from './read-kafka-security.js';

const KEYS = ['name', 'expression', 'output', 'format', 'cutouts', 'schema_registry', 'security'];
const FORMATS: Record<string, FileSinkFormat> = { '.jsonl': 'jsonl', '.json': 'jsonl', '.avro': 'avro' };

export interface ReadFilter {
  readonly config: FilterConfig;
  readonly at: { readonly name: ConfigValue; readonly output: ConfigValue; readonly expression: ConfigValue };
}

export function readFilterConfig(reader: ConfigReader, value: ConfigValue, dir: string): ReadFilter {
  const entries = reader.mapping(value, KEYS, ['name', 'expression', 'output']);
  const get = (key: string) => entries.get(key)!;
  const name = reader.name(get('name'));
  const expression = readExpression(reader, get('expression'));
  const at = { name: get('name'), output: get('output'), expression: get('expression') };
  const written = reader.string(get('output'));
  if (isKafkaUri(written)) return { config: { name, expression, ...readKafkaOutput(reader, entries, written, dir) }, at };
  for (const key of ['schema_registry', 'security']) if (entries.has(key)) throw reader.error(get(key), `${key} is for a Kafka output (output: kafka://host:port/topic)`);
  const output = resolve(dir, written);
  const format = entries.has('format') ? readFileFormat(reader, get('format')) : formatOf(reader, get('output'), output);
  const cutouts = entries.has('cutouts') ? reader.boolean(get('cutouts')) : format === 'avro';
  return { config: { name, expression, output, format, cutouts }, at };
}

/** A Kafka output: its address checked now, its format (default fink), its registry and security. */
function readKafkaOutput(reader: ConfigReader, entries: Map<string, ConfigValue>, output: string, dir: string): Omit<FilterConfig, 'name' | 'expression'> {
  try {
    parseKafkaSinkUri(output);
  } catch (err) {
    throw reader.error(entries.get('output')!, (err as Error).message);
  }
  const format = entries.has('format') ? readKafkaFormat(reader, entries.get('format')!) : 'fink';
  const registry = entries.get('schema_registry');
  if (format === 'confluent' && !registry) throw reader.error({ key: `${entries.get('output')!.key.replace(/\.output$/, '')}.schema_registry`, node: null, parent: entries.get('output')!.parent ?? null }, 'format confluent needs schema_registry: a schema registry URL, or a folder to write <id>.avsc schemas into');
  if (registry && format !== 'confluent') throw reader.error(registry, `schema_registry is for format confluent (this output is ${format})`);
  const where = registry ? reader.string(registry) : undefined;
  const schemaRegistry = where === undefined ? undefined : /^https?:\/\//i.test(where) ? where : resolve(dir, where);
  return {
    output,
    format,
    cutouts: entries.has('cutouts') ? reader.boolean(entries.get('cutouts')!) : true,
    ...(schemaRegistry ? { schemaRegistry } : {}),
    ...(entries.has('security') ? { security: readKafkaSecurity(reader, entries.get('security')!, dir) } : {}),
  };
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

function readFileFormat(reader: ConfigReader, value: ConfigValue): FileSinkFormat {
  const text = reader.string(value);
  if (text !== 'jsonl' && text !== 'avro') throw reader.error(value, `expected jsonl or avro for a file${(KAFKA_SINK_FORMATS as readonly string[]).includes(text) ? ` (${text} is a Kafka format: output: kafka://host:port/topic)` : ''}, got '${text}'`);
  return text;
}

function readKafkaFormat(reader: ConfigReader, value: ConfigValue): KafkaSinkFormat {
  const text = reader.string(value);
  const format = KAFKA_SINK_FORMATS.find((f) => f === text);
  if (!format) throw reader.error(value, `expected ${KAFKA_SINK_FORMATS.join(', ')} for a Kafka output, got '${text}'`);
  return format;
}

function formatOf(reader: ConfigReader, value: ConfigValue, output: string): FileSinkFormat {
  const format = FORMATS[extname(output).toLowerCase()];
  if (!format) {
    throw reader.error(value, `cannot tell the format of '${output}' from its extension: use .jsonl (or .json) for JSON lines, .avro for Avro, or say format: jsonl | avro`);
  }
  return format;
}
