/**
 * The checks that span modules and filters: unique names, `reads` naming modules that exist
 * and form no cycle, no output name emitted twice, inputs that read another module's output only
 * through `reads`, and no two filters writing one file.
 */
import { ModuleCycleError, moduleLevels } from '../modules/module-levels.js';
import { parseFilter } from '../filters/parse-filter.js';
import type { ConfigReader, ConfigValue } from './config-reader.js';
import { didYouMean } from './did-you-mean.js';
import type { ReadFilter } from './read-filter-config.js';
import type { ReadModule } from './read-module-config.js';

export function checkModules(reader: ConfigReader, modules: readonly ReadModule[], filters: readonly ReadFilter[]): void {
  unique(reader, modules.map((m) => ({ name: m.config.name, at: m.at.name })), 'module');
  unique(reader, filters.map((f) => ({ name: f.config.name, at: f.at.name })), 'filter');
  const names = modules.map((m) => m.config.name);
  const producer = new Map<string, string>();
  for (const m of modules) {
    m.config.reads.forEach((read, i) => {
      if (!names.includes(read)) {
        const guess = didYouMean(read, names);
        throw reader.error(m.at.reads[i]!, `no module is named '${read}'${guess ? `; did you mean '${guess}'?` : `; the modules are ${names.join(', ')}`}`);
      }
      if (read === m.config.name) throw reader.error(m.at.reads[i]!, `module '${read}' cannot read its own outputs`);
    });
    for (const output of outputNames(m)) {
      const other = producer.get(output);
      if (other) throw reader.error(m.at.outputs, `output '${output}' is also emitted by module '${other}': rename one of them`);
      producer.set(output, m.config.name);
    }
  }
  for (const m of modules) {
    (m.config.inputs ?? []).forEach(({ field }, i) => {
      const from = producer.get(field.split('.')[0]!);
      if (from && from !== m.config.name && !m.config.reads.includes(from)) {
        throw reader.error(m.at.inputs[i]!, `'${field}' is an output of module '${from}': add '${from}' to this module's reads so that it runs first`);
      }
    });
  }
  try {
    moduleLevels(modules.map((m) => m.config));
  } catch (err) {
    if (!(err instanceof ModuleCycleError)) throw err;
    const first = modules.find((m) => m.config.name === err.cycle[0])!;
    const at = first.at.reads[first.config.reads.indexOf(err.cycle[1]!)]!;
    throw reader.error(at, `${err.message}: a module can only read modules that do not read it back`);
  }
  for (const f of filters) checkShadowFields(reader, f, modules);
  const outputs = new Map<string, string>();
  for (const f of filters) {
    const other = outputs.get(f.config.output);
    if (other) throw reader.error(f.at.output, `filter '${other}' already writes ${f.config.output}: give each filter its own output file`);
    outputs.set(f.config.output, f.config.name);
  }
}

/** A filter reading `snia@challenger.snia_score` names a module, one of its shadow aliases and one of its outputs. */
function checkShadowFields(reader: ConfigReader, f: ReadFilter, modules: readonly ReadModule[]): void {
  for (const field of parseFilter(f.config.expression).fields) {
    const match = /^([^@.]+)@([^.]+)(?:\.(.+))?$/.exec(field);
    if (!match) continue;
    const [, name, alias, output] = match as unknown as [string, string, string, string | undefined];
    const m = modules.find((candidate) => candidate.config.name === name);
    const where = `filter '${f.config.name}' reads ${field}`;
    if (!m) throw reader.error(f.at.expression, `${where}, but no module is named '${name}'`);
    const shadows = m.config.shadow ?? [];
    if (!shadows.includes(alias)) throw reader.error(f.at.expression, `${where}, but module '${name}' has no shadow '${alias}'${shadows.length ? ` (its shadows: ${shadows.join(', ')})` : `: add shadow: [${alias}] to the module`}`);
    const names = outputNames(m);
    if (output === undefined || !names.includes(output)) throw reader.error(f.at.expression, `${where}: name one of the module's outputs (${names.map((o) => `${name}@${alias}.${o}`).join(', ')})`);
  }
}

export function outputNames(m: ReadModule): string[] {
  return Array.isArray(m.config.outputs) ? [...m.config.outputs] : Object.keys(m.config.outputs);
}

function unique(reader: ConfigReader, items: readonly { name: string; at: ConfigValue }[], what: string): void {
  const seen = new Set<string>();
  for (const { name, at } of items) {
    if (seen.has(name)) throw reader.error(at, `another ${what} is already named '${name}': ${what} names must be unique`);
    seen.add(name);
  }
}
