/**
 * Reads a broker config (the format is in broker-config.ts) and checks all of it before
 * anything starts: every error names the file, line, column and key, and what to write instead.
 * Relative paths (model folders, preprocessing folders, filter outputs) are resolved against
 * the config file's folder, so a config means the same whatever the working directory.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { BrokerConfig } from './broker-config.js';
import { BrokerConfigError } from './broker-config-error.js';
import { checkModules } from './check-modules.js';
import { MAX_BATCH_SIZE } from './config-limits.js';
import { ConfigReader, type ConfigValue } from './config-reader.js';
import { readFilterConfig } from './read-filter-config.js';
import { readModuleConfig } from './read-module-config.js';
import { readSourceConfig } from './read-source-config.js';

const TOP_KEYS = ['modules', 'filters', 'source', 'batch_size', 'max_batch_wait', 'follow_registry'];
const DEFAULT_MAX_BATCH_WAIT_MS = 500;
const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_FOLLOW_MS = 5000;

export async function loadBrokerConfig(file: string): Promise<BrokerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new BrokerConfigError(file, 0, 0, '', `cannot read the broker config: ${reason}`);
  }
  return parseBrokerConfig(text, file);
}

/** `file` names the config in messages and is what relative paths are resolved against. */
export function parseBrokerConfig(text: string, file: string): BrokerConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = document.errors[0];
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    throw new BrokerConfigError(file, line, col, '', `not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const reader = new ConfigReader(file, lines);
  const root: ConfigValue = { key: '', node: document.contents };
  if (document.contents === null) throw reader.error(root, 'the file is empty: it needs at least a modules: list');
  const entries = reader.mapping(root, TOP_KEYS, ['modules']);
  const dir = dirname(resolve(file));
  const batchSize = entries.has('batch_size') ? reader.wholeNumber(entries.get('batch_size')!, 1, MAX_BATCH_SIZE) : DEFAULT_BATCH_SIZE;
  const maxBatchWaitMs = entries.has('max_batch_wait') ? reader.duration(entries.get('max_batch_wait')!, true, { max: 3_600_000, why: 'alerts would wait that long for a batch' }) : DEFAULT_MAX_BATCH_WAIT_MS;
  const followRegistryMs = entries.has('follow_registry') ? reader.duration(entries.get('follow_registry')!, true) : DEFAULT_FOLLOW_MS;
  const modules = reader.list(entries.get('modules')!).map((m) => readModuleConfig(reader, m, dir, batchSize));
  const filterList = entries.get('filters');
  const filters = filterList && filterList.node !== null ? reader.list(filterList).map((f) => readFilterConfig(reader, f, dir)) : [];
  checkModules(reader, modules, filters);
  const source = entries.get('source');
  return {
    file: resolve(file),
    ...(source && source.node !== null ? { source: readSourceConfig(reader, source, dir) } : {}),
    modules: modules.map((m) => m.config),
    filters: filters.map((f) => f.config),
    batchSize,
    maxBatchWaitMs,
    followRegistryMs,
  };
}
