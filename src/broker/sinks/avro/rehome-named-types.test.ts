import { describe, expect, it } from 'vitest';
import { extendAlertSchema } from './avro-output-schema.js';
import { avroSinkType } from './avro-sink-type.js';

/** A field `a` defining record x.A (which defines y.B and enum x.E), used by name further on, first y.B, then x.A, then x.E. */
const schema = () => ({
  type: 'record',
  name: 'alert',
  namespace: 'x',
  fields: [
    { name: 'id', type: 'long' },
    {
      name: 'a',
      type: {
        type: 'record',
        name: 'A',
        fields: [
          { name: 'b', type: { type: 'record', name: 'B', namespace: 'y', fields: [{ name: 'v', type: 'int' }] } },
          { name: 'e', type: { type: 'enum', name: 'E', symbols: ['p', 'q'] } },
        ],
      },
    },
    { name: 'bs', type: ['null', { type: 'array', items: 'y.B' }] },
    { name: 'as', type: { type: 'map', values: 'A' } },
    { name: 'e2', type: 'E' },
  ],
});

describe('rehomeNamedTypes (through extendAlertSchema)', () => {
  it('moves every type the replaced field defined to its first use, nested ones named where already placed', () => {
    const type = avroSinkType(extendAlertSchema(schema(), new Map([['a', 'double' as const]]), true));
    const value = { id: 2n ** 60n + 1n, a: 0.5, bs: [{ v: 1 }, { v: 2 }], as: { k: { b: { v: 3 }, e: 'q' } }, e2: 'p', aviary_models: '{}' };
    expect(type.fromBuffer(type.toBuffer(value))).toEqual(value);
    const fields = (type.schema() as { fields: { name: string; type: unknown }[] }).fields;
    expect(fields.map((f) => f.name)).toEqual(['id', 'a', 'bs', 'as', 'e2', 'aviary_models']);
    expect(JSON.stringify(fields[2]!.type)).toContain('"name":"y.B"');
    expect(JSON.stringify(fields[3]!.type)).toContain('"name":"x.A"');
  });

  it('leaves a schema alone when the replaced field defines nothing used later', () => {
    const before = schema();
    const after = extendAlertSchema(schema(), new Map([['id', 'string' as const]]), true);
    expect((after.fields as unknown[]).slice(1, 5)).toEqual(before.fields.slice(1));
  });
});
