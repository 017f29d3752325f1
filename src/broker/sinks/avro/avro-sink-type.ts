/**
 * The avsc type a sink writes with: 64-bit `long`s as BigInt (ZTF `candid` and Rubin ids
 * exceed 2^53), also taking integral numbers (a JSON alert's small integers); unions
 * unwrapped, as the Avro alert source reads them. Spec-breaking union defaults of survey
 * schemas (ZTF's `["float", "null"]` with `default: null`) are dropped first, as the reader does.
 */
import avro from 'avsc';
import { dropSpecBreakingDefaults, longAsBigInt } from '../../sources/avro/avro-alert-type.js';


/** The type of a schema (modified in place: spec-breaking defaults dropped); throws with the reason. */
export function avroSinkType(schema: object): avro.Type {
  dropSpecBreakingDefaults(schema);
  return avro.Type.forSchema(schema as avro.Schema, { registry: { long: longAsBigInt }, wrapUnions: 'never', omitRecordMethods: true });
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
