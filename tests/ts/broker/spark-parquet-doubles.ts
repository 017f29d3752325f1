/**
 * Test support: a real Spark Parquet alert file rewritten with chosen int64 ids stored as
 * doubles, as Fink's Spark jobs write them (fink-science's superluminous set, fink-filters'
 * spicy_yso set: the alert's `candid` an exact int64, `prv_candidates[].candid` a double).
 * Everything else (schema, nesting, cutout bytes) is kept; Spark's INT96 timestamp becomes an
 * INT64 timestamp, since the writer has no INT96.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteFile } from 'hyparquet-writer';

/** The writer's own SchemaElement: it pins an older hyparquet whose logical types lack newer ones (FILE), none of which Spark writes. */
type WriterSchema = NonNullable<Parameters<typeof parquetWriteFile>[0]['schema']>;

interface SchemaNode {
  element: SchemaElement;
  children: SchemaNode[];
}

/**
 * Writes `target` from the first `rows` rows of `source` (all when absent), each column named
 * in `doubles` stored as DOUBLE: `candid` (top level) or `prv_candidates[].candid` (a field of
 * a list of structs).
 */
export async function writeWithDoubleIds(source: string, target: string, doubles: readonly string[], rows?: number): Promise<void> {
  const file = await asyncBufferFromFile(source);
  const metadata = await parquetMetadataAsync(file);
  const records = await parquetReadObjects({ file, metadata, compressors, utf8: false, ...(rows === undefined ? {} : { rowEnd: rows }) });
  const root = schemaTree(metadata.schema);
  for (const node of allNodes(root)) {
    if (node.element.type === 'INT96') node.element = { ...node.element, type: 'INT64', converted_type: 'TIMESTAMP_MICROS' };
  }
  let data = records;
  for (const path of doubles) {
    const [list, field] = path.includes('[].') ? path.split('[].') : [undefined, path];
    const holder = list === undefined ? root : listElement(child(root, list));
    const leaf = child(holder, field!);
    if (leaf.element.type !== 'INT64') throw new Error(`${path} is ${leaf.element.type}, not INT64`);
    leaf.element = { ...leaf.element, type: 'DOUBLE' };
    data = data.map((row) => (list === undefined ? withDouble(row, field!) : { ...row, [list]: Array.isArray(row[list]) ? (row[list] as Record<string, unknown>[]).map((e) => withDouble(e, field!)) : row[list] }));
  }
  parquetWriteFile({
    filename: target,
    schema: flatten(root) as WriterSchema,
    columnData: root.children.map(({ element }) => ({ name: element.name, data: data.map((row) => row[element.name] ?? null) })),
  });
}

function withDouble(record: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = record[field];
  return { ...record, [field]: typeof value === 'bigint' ? Number(value) : value };
}

function schemaTree(elements: readonly SchemaElement[]): SchemaNode {
  let next = 0;
  const read = (): SchemaNode => {
    const element = elements[next++]!;
    return { element, children: Array.from({ length: element.num_children ?? 0 }, read) };
  };
  return read();
}

function flatten(node: SchemaNode): SchemaElement[] {
  return [node.element, ...node.children.flatMap(flatten)];
}

function allNodes(node: SchemaNode): SchemaNode[] {
  return [node, ...node.children.flatMap(allNodes)];
}

function child(node: SchemaNode, name: string): SchemaNode {
  const found = node.children.find((c) => c.element.name === name);
  if (!found) throw new Error(`no column ${name} under ${node.element.name}`);
  return found;
}

/** The struct of a Spark list column: `<name> (LIST) > list (repeated) > element`. */
function listElement(node: SchemaNode): SchemaNode {
  const element = node.children[0]?.children[0];
  if (node.element.converted_type !== 'LIST' || !element) throw new Error(`${node.element.name} is not a list column`);
  return element;
}
