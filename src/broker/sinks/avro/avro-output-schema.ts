/**
 * The schema of an Avro output: the alert's schema (its writer schema, or one inferred from
 * the payload) with one nullable field per module output, added at the top level as Fink adds
 * its columns (["null","double"] for numbers, ["null","string"], ["null","boolean"]; default
 * null), and `aviary_models`: the JSON of module → {model, version}. Left-out cutouts become
 * nullable fields holding null. An output named like an existing field replaces it (named types
 * that field defined move to their next use: rehome-named-types.ts).
 */
import type { EnrichedAlert, OutputValue } from '../../enriched-alert.js';
import { CUTOUT_FIELDS } from '../sink-payload.js';
import { AVRO_NAME } from './avro-field-names.js';
import { rehomeNamedTypes } from './rehome-named-types.js';

export type OutputKind = 'double' | 'string' | 'boolean';
export const MODELS_FIELD = 'aviary_models';

interface FieldSchema {
  name: string;
  type: unknown;
  default?: unknown;
  [key: string]: unknown;
}

/** Output name → kind over `alerts`: the first non-null value's kind wins; only nulls: double. */
export function outputKindsOf(alerts: readonly EnrichedAlert[]): Map<string, OutputKind> {
  const kinds = new Map<string, OutputKind | undefined>();
  for (const { scores } of alerts) {
    for (const s of scores) {
      for (const [name, value] of Object.entries(s.outputs)) {
        if (!AVRO_NAME.test(name)) throw new Error(`module "${s.module}" output \`${name}\` cannot be an Avro field name (letters, digits and _ only); rename it in the broker config, or write .jsonl`);
        if (kinds.get(name) === undefined) kinds.set(name, kindOf(value));
      }
    }
  }
  return new Map([...kinds].map(([name, kind]) => [name, kind ?? 'double']));
}

function kindOf(value: OutputValue): OutputKind | undefined {
  if (typeof value === 'number') return 'double';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return undefined;
}

/** Extends `schema` (a top-level record, modified in place) for the outputs; returns it. */
export function extendAlertSchema(schema: unknown, outputs: ReadonlyMap<string, OutputKind>, keepCutouts: boolean): Record<string, unknown> {
  const record = schema as { type?: unknown; name?: unknown; namespace?: string; fields?: FieldSchema[] };
  if (record === null || typeof record !== 'object' || record.type !== 'record' || !Array.isArray(record.fields)) {
    throw new Error('the alert schema is not a record: cannot add module outputs to it');
  }
  const fields = record.fields;
  if (!keepCutouts) for (const field of fields) if (CUTOUT_FIELDS.includes(field.name)) makeNullable(field);
  const put = (field: FieldSchema) => {
    const at = fields.findIndex((f) => f.name === field.name);
    if (at < 0) return void fields.push(field);
    const dropped = fields[at]!.type;
    fields[at] = field;
    rehomeNamedTypes({ ...record, fields }, at, dropped);
  };
  for (const [name, kind] of outputs) put({ name, type: ['null', kind], default: null });
  put({ name: MODELS_FIELD, type: 'string', default: '{}' });
  return record as Record<string, unknown>;
}

function makeNullable(field: FieldSchema): void {
  const branches = Array.isArray(field.type) ? field.type : [field.type];
  field.type = ['null', ...branches.filter((b) => b !== 'null')];
  field.default = null;
}
