/**
 * The default field resolver. MLflow's resolvers return proto messages, which answer every
 * unset field with its default: "" for a string, "0" for a LongString, false, 0, an empty
 * list, an empty message, an enum's first value. The REST answers it reads leave such fields
 * out, so the defaults are put back here; fields are read under their proto (snake_case) names.
 */
import {
  getNullableType,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLString,
  isEnumType,
  isListType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
} from 'graphql';

export const protoFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _ctx, info) => {
  const value = (source as Record<string, unknown> | null)?.[snakeCase(info.fieldName)];
  if (value !== undefined && value !== null) return value;
  // Not a proto field: MLflow's responses carry it, empty.
  if (info.fieldName === 'apiError') return null;
  return protoDefault(info.returnType);
};

function protoDefault(type: GraphQLOutputType): unknown {
  const t = getNullableType(type);
  if (isListType(t)) return [];
  if (isObjectType(t)) return {};
  if (isEnumType(t)) return t.getValues()[0]?.value ?? null;
  if (t === GraphQLString) return '';
  if (t === GraphQLBoolean) return false;
  if (t === GraphQLFloat || t === GraphQLInt) return 0;
  if (t.name === 'LongString') return '0';
  return null;
}

/** `experimentId` -> `experiment_id`: GraphQL's names to the proto's. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
