/**
 * A module's `inputs:` list. An item is an alert field (a flat-dict name, or a dotted path
 * through the alert) that fills the model's column named by its last part, so that
 * `candidate.sigmapsf` feeds the column `sigmapsf`; or a one-entry mapping `{column: field}`
 * for a column named otherwise.
 */
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import type { ModuleInput } from './broker-config.js';
import { describe, type ConfigReader, type ConfigValue } from './config-reader.js';

const FORMS = 'an alert field (magpsf, candidate.sigmapsf: the column is named by its last part) or {column: field}';

export interface ReadInputs {
  readonly inputs: ModuleInput[];
  /** Per input: where its column was written (the field for a plain item, the key for a mapping). */
  readonly at: ConfigValue[];
}

export function readModuleInputs(reader: ConfigReader, value: ConfigValue): ReadInputs {
  const inputs: ModuleInput[] = [];
  const at: ConfigValue[] = [];
  for (const item of reader.list(value)) {
    const { input, columnAt } = isMap(item.node) ? mappedInput(reader, item) : fieldInput(reader, item);
    const other = inputs.findIndex((i) => i.column === input.column);
    if (other >= 0) {
      throw reader.error(item, `column '${input.column}' is already filled from '${inputs[other]!.field}': name this one's column, e.g. {${input.column}_2: ${input.field}}`);
    }
    inputs.push(input);
    at.push(columnAt);
  }
  return { inputs, at };
}

/** The column a dotted path fills: its last part. */
export function columnOf(field: string): string {
  return field.slice(field.lastIndexOf('.') + 1);
}

type ReadInput = { input: ModuleInput; columnAt: ConfigValue };

function fieldInput(reader: ConfigReader, item: ConfigValue): ReadInput {
  if (!isScalar(item.node) || typeof item.node.value !== 'string') throw reader.error(item, `expected ${FORMS}, got ${describe(item.node)}`);
  const field = reader.string(item);
  const column = columnOf(field);
  if (!column) throw reader.error(item, `'${field}' ends with a dot: expected ${FORMS}`);
  return { input: { column, field }, columnAt: item };
}

function mappedInput(reader: ConfigReader, item: ConfigValue): ReadInput {
  const pairs = (item.node as { items: Pair<Node, Node | null>[] }).items;
  if (pairs.length !== 1) throw reader.error(item, `expected ${FORMS}, got a mapping of ${pairs.length} entries: write one {column: field} per item`);
  const pair = pairs[0]!;
  const columnAt = { key: item.key, node: pair.key };
  const column = reader.string(columnAt);
  const field = reader.string({ key: `${item.key}.${column}`, node: pair.value ?? null, parent: pair.key });
  return { input: { column, field }, columnAt };
}
