/**
 * `order_by` clauses: a key as in filters, then an optional ASC or DESC (any case; ascending
 * when absent), e.g. "metrics.accuracy DESC", "attributes.start_time", 'params."batch size" asc'.
 */
import type { OrderKey } from './comparison.js';
import { keyOf, keywordOf } from './raw-key.js';
import { resolveKey } from './resolve-key.js';
import { grammarError, pythonList, type SearchText } from './search-error.js';
import type { SearchGrammar } from './search-grammar.js';
import { TokenCursor } from './token-cursor.js';
import { tokenize } from './tokenize.js';

export function resolveOrderBy(grammar: SearchGrammar, clause: string): OrderKey {
  const src: SearchText = { what: 'order_by clause', text: clause };
  const unparsable = `Invalid order_by clause '${clause}'. Could not be parsed.`;
  const cursor = new TokenCursor(src, tokenize(src));
  const keyToken = cursor.next();
  const raw = keyOf(keyToken);
  if (!raw) throw grammarError(src, unparsable, keyToken.position, 'a key such as metrics.accuracy', keyToken.kind === 'end' ? undefined : keyToken.text);
  let ascending = true;
  const direction = cursor.next();
  if (direction.kind !== 'end') {
    const word = keywordOf(direction);
    if (word !== 'ASC' && word !== 'DESC') {
      const message = `Invalid ordering key in order_by clause '${clause}'.`;
      throw grammarError(src, message, direction.position, 'ASC, DESC or the end of the clause', direction.text);
    }
    ascending = word === 'ASC';
    const extra = cursor.next();
    if (extra.kind !== 'end') throw grammarError(src, unparsable, extra.position, 'the end of the clause', extra.text);
  }
  const { key } = resolveKey(grammar, raw, src);
  if (!grammar.entities[key.entity]?.orderable) {
    throw grammarError(src, `Invalid order_by entity: ${key.entity}`, raw.prefixPosition ?? raw.position, 'an orderable key', raw.text);
  }
  return { key, ascending };
}

/** Every clause of an `order_by` list; naming one key twice is refused, as MLflow does. */
export function resolveOrderByList(grammar: SearchGrammar, clauses: readonly string[] | undefined): OrderKey[] {
  const list = clauses ?? [];
  const joined: SearchText = { what: 'order_by list', text: list.join(', ') };
  const seen = new Set<string>();
  let offset = 0;
  return list.map((clause) => {
    const order = resolveOrderBy(grammar, clause);
    const id = `${order.key.entity}\u0000${order.key.name}`;
    if (seen.has(id)) {
      const message = `\`order_by\` contains duplicate fields: ${pythonList(list)}`;
      throw grammarError(joined, message, offset, 'each key at most once', clause);
    }
    seen.add(id);
    offset += clause.length + 2;
    return order;
  });
}
