/**
 * The avsc type a sink writes with: 64-bit `long`s as BigInt (ZTF `candid` and Rubin ids
 * exceed 2^53), also taking integral numbers (a JSON alert's small integers); unions
 * unwrapped, as the Avro alert source reads them. Spec-breaking union defaults of survey
 * schemas (ZTF's `["float", "null"]` with `default: null`) are dropped first, as the reader does.
 */
import avro from 'avsc';
import { dropSpecBreakingDefaults } from '../../sources/avro/avro-alert-type.js';

const bigIntLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: unknown) => BigInt(n as string | number | bigint),
  toJSON: (n: bigint) => (Number.isSafeInteger(Number(n)) ? Number(n) : n.toString()),
  isValid: (n: unknown) => typeof n === 'bigint' || Number.isSafeInteger(n),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** The type of a schema (modified in place: spec-breaking defaults dropped); throws with the reason. */
export function avroSinkType(schema: object): avro.Type {
  dropSpecBreakingDefaults(schema);
  return avro.Type.forSchema(schema as avro.Schema, { registry: { long: bigIntLong }, wrapUnions: 'never', omitRecordMethods: true });
}

/** Why a value does not fit a type: the first offending path, e.g. "candidate.magpsf". */
export function whyInvalid(type: avro.Type, value: unknown): string | undefined {
  let reason: string | undefined;
  type.isValid(value, {
    errorHook: (path: string[], found: unknown, expected: avro.Type) => {
      const shown = typeof found === 'bigint' ? `${found}n` : typeof found === 'object' && found !== null ? (found.constructor?.name ?? 'object') : JSON.stringify(found);
      reason ??= `\`${path.join('.') || '(the record)'}\` is ${shown}, which does not fit ${JSON.stringify(expected.schema()).slice(0, 120)}`;
    },
  });
  return reason;
}
