/**
 * Avro names for the fields of one record. Avro allows [A-Za-z_][A-Za-z0-9_]* only, but Parquet
 * and JSON alerts carry any name (Fink's `mangrove.2MASS_name`), and Spark's Avro writer simply
 * refuses such columns. We rename instead, so any alert the broker can read it can also write:
 * each invalid character becomes `_`, a leading digit gets a `_` prefix (`2MASS_name` ->
 * `_2MASS_name`), and a name taken in the same record gets `_2`, `_3`, ... Valid names never
 * change, so a record without odd names is written exactly as read.
 */
export const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The name Avro accepts for `name` (no collision handling). */
export function toAvroName(name: string): string {
  const replaced = name.replace(/[^A-Za-z0-9_]/gu, '_');
  return /^[A-Za-z_]/.test(replaced) ? replaced : `_${replaced}`;
}

/** Original name → unique Avro name, for every name of one record. */
export function avroFieldNames(names: Iterable<string>): Map<string, string> {
  const all = [...names];
  // Valid names are claimed first, so a renamed field never takes the name of a real one.
  const taken = new Set(all.filter((n) => AVRO_NAME.test(n)));
  const result = new Map<string, string>();
  for (const name of all) {
    if (AVRO_NAME.test(name)) {
      result.set(name, name);
      continue;
    }
    const base = toAvroName(name);
    let unique = base;
    for (let n = 2; taken.has(unique); n++) unique = `${base}_${n}`;
    taken.add(unique);
    result.set(name, unique);
  }
  return result;
}

/** Where a reader finds a renamed field's original name (aliases must be valid names themselves). */
export const originalNameDoc = (name: string): string => `original name: ${name}`;
