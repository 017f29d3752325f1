/**
 * Keeps a schema valid when a record field is replaced (a module output named like a column):
 * named types (records, enums, fixed) defined inside the replaced field's type may be used by
 * name further on (ZTF's `cutoutScience` defines `ztf.alert.cutout`, which `cutoutTemplate` and
 * `cutoutDifference` name), so each such definition moves to its first use after the field.
 * Avro reads a schema depth-first in field order and a name must be defined before it is used.
 */
type Schema = unknown;
/** A schema given as an object: a named type, an array, a map, or a primitive with attributes. */
interface SchemaObject {
  type?: Schema;
  name?: unknown;
  namespace?: string;
  fields?: { type: Schema }[];
  items?: Schema;
  values?: Schema;
}
type Named = SchemaObject & { type: string; name: string };

const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/** Moves definitions out of `droppedType` (the old type of `record.fields[at]`) to their first use after `at`. */
export function rehomeNamedTypes(record: SchemaObject & { fields: { type: Schema }[] }, at: number, droppedType: Schema): void {
  const ns = typeof record.name === 'string' ? namespaceOf(record as Named, '') : (record.namespace ?? '');
  const pending = new Map<string, Named>();
  collect(droppedType, ns, pending);
  if (pending.size === 0) return;
  const moved = new Set(pending.keys());
  const placed = new Set<string>();

  const walk = (node: Schema, enclosing: string): Schema => {
    if (typeof node === 'string') {
      const full = node.includes('.') || !enclosing ? node : `${enclosing}.${node}`;
      const definition = pending.get(full);
      if (!definition) return node;
      pending.delete(full);
      return walk(structuredClone(definition), enclosing);
    }
    if (Array.isArray(node)) return node.map((branch) => walk(branch, enclosing));
    if (node === null || typeof node !== 'object') return node;
    const typed = node as SchemaObject;
    if (typeof typed.type === 'string' && NAMED.has(typed.type) && typeof typed.name === 'string') {
      const full = fullName(typed as Named, enclosing);
      // A moved type defined again inside an inlined copy, after it was placed: name it instead.
      if (moved.has(full)) {
        if (placed.has(full)) return full;
        placed.add(full);
        pending.delete(full);
      }
      const inner = namespaceOf(typed as Named, enclosing);
      for (const field of typed.fields ?? []) field.type = walk(field.type, inner);
      return node;
    }
    if (typed.type === 'array') typed.items = walk(typed.items, enclosing);
    if (typed.type === 'map') typed.values = walk(typed.values, enclosing);
    return node;
  };
  for (const field of record.fields.slice(at + 1)) {
    if (pending.size === 0) break;
    field.type = walk(field.type, ns);
  }
}

/** Every named type defined in `node`, by full name, with its namespace made explicit. */
function collect(node: Schema, enclosing: string, out: Map<string, Named>): void {
  if (Array.isArray(node)) return node.forEach((branch) => collect(branch, enclosing, out));
  if (node === null || typeof node !== 'object') return;
  const typed = node as SchemaObject;
  if (typeof typed.type === 'string' && NAMED.has(typed.type) && typeof typed.name === 'string') {
    const full = fullName(typed as Named, enclosing);
    const inner = namespaceOf(typed as Named, enclosing);
    out.set(full, { ...(typed as Named), name: full.slice(full.lastIndexOf('.') + 1), namespace: inner });
    for (const field of typed.fields ?? []) collect(field.type, inner, out);
  } else if (typed.type === 'array') collect(typed.items, enclosing, out);
  else if (typed.type === 'map') collect(typed.values, enclosing, out);
}

function fullName(named: Named, enclosing: string): string {
  if (named.name.includes('.')) return named.name;
  const ns = named.namespace ?? enclosing;
  return ns ? `${ns}.${named.name}` : named.name;
}

/** The namespace the types inside `named` resolve against. */
function namespaceOf(named: Named, enclosing: string): string {
  const full = fullName(named, enclosing);
  const dot = full.lastIndexOf('.');
  return dot < 0 ? '' : full.slice(0, dot);
}
