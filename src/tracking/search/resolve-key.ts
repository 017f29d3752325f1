/** Gives a raw key its meaning under a grammar: the entity its prefix names and the spec of the key. */
import type { SearchKey } from './comparison.js';
import type { RawKey } from './raw-key.js';
import { grammarError, pythonList, pythonSet, type SearchText } from './search-error.js';
import type { KeySpec, SearchGrammar } from './search-grammar.js';

export interface ResolvedKey {
  readonly key: SearchKey;
  readonly spec: KeySpec;
}

export function resolveKey(grammar: SearchGrammar, raw: RawKey, src: SearchText): ResolvedKey {
  const entity = raw.prefix === undefined ? 'attribute' : own(grammar.prefixes, raw.prefix);
  const entitySpec = entity && own(grammar.entities, entity);
  if (!entity || !entitySpec) {
    throw grammarError(
      src,
      `Invalid entity type '${raw.prefix}'. Valid values are ${pythonList(grammar.prefixNames)}`,
      raw.prefixPosition ?? raw.position,
      `one of ${grammar.prefixNames.join(', ')}`,
      raw.prefix ?? raw.text,
    );
  }
  if (entitySpec.anyKey) return { key: { entity, name: raw.name }, spec: entitySpec.anyKey };
  const keys = entitySpec.keys ?? {};
  const spec = own(keys, raw.name);
  if (!spec) {
    const valid = Object.keys(keys);
    throw grammarError(
      src,
      `Invalid ${entity} key '${raw.name}' specified. Valid keys are '${pythonSet(valid)}'`,
      raw.position,
      `a valid ${entity} key`,
      raw.name,
    );
  }
  return { key: { entity, name: spec.canonical ?? raw.name }, spec };
}

/** A lookup that a key such as `constructor` or `__proto__` cannot turn into Object's own members. */
function own<V>(record: Readonly<Partial<Record<string, V>>>, name: string): V | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}
