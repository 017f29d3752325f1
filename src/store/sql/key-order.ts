/** Tags answered from what was just written come in the order a read through their primary key gives them. */
import type { KeyValue } from '../../tracking/entities.js';

export function byKey(tags: readonly KeyValue[]): KeyValue[] {
  return [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
