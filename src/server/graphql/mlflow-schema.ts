/** The executable schema: MLflow's SDL with the LongString scalar's behaviour attached. */
import { buildSchema, GraphQLError, Kind, type GraphQLScalarType, type GraphQLSchema, type ValueNode } from 'graphql';
import { MLFLOW_SDL } from './mlflow-sdl.js';

/** MLflow's LongString: 64-bit numbers written as strings (JavaScript would round them), read back as integers. */
const longString = {
  serialize: (value: unknown): string => String(value),
  parseValue: (value: unknown): number => {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
    throw new GraphQLError(`LongString cannot represent ${JSON.stringify(value) ?? String(value)}: give a whole number`);
  },
  parseLiteral: (node: ValueNode): number => {
    if (node.kind === Kind.INT) return Number(node.value);
    throw new GraphQLError('LongString cannot represent a non-integer literal: give a whole number');
  },
};

export function mlflowSchema(): GraphQLSchema {
  const schema = buildSchema(MLFLOW_SDL);
  // SDL cannot carry a scalar's code: it is set on the built type, before any query runs.
  Object.assign(schema.getType('LongString') as GraphQLScalarType, longString);
  return schema;
}
