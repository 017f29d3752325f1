/**
 * MLflow's `/graphql` (GET and POST): a query is parsed, held to MLflow's limits, validated,
 * then run against REST's endpoints. The answer is MLflow's: status 200 and
 * `{"data", "errors": [messages] | null}` for anything GraphQL itself reports (a limit, an
 * unknown field, a resolver's error). A request with no query, or one that does not parse,
 * is refused with 400 and MLflow's error shape (MLflow answers 500 there).
 */
import { GraphQLError, execute, parse, validate, type DocumentNode, type GraphQLFieldResolver } from 'graphql';
import { MlflowError } from '../../common/mlflow-error.js';
import type { ApiRequest, Route, Router } from '../router.js';
import { RESOLVERS, type GraphqlContext } from './mlflow-resolvers.js';
import { mlflowSchema } from './mlflow-schema.js';
import { protoFieldResolver } from './proto-field-resolver.js';
import { queryLimitsFrom, queryLimitViolation } from './query-safety.js';
import { restCalls, TooManyLookups } from './rest-calls.js';

/** Far above MLflow UI's largest query (a few hundred tokens); bounds parsing before any limit is checked. */
const MAX_TOKENS = 20_000;

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

export interface GraphqlAnswer {
  data: unknown;
  errors: string[] | null;
}

const fieldResolver: GraphQLFieldResolver<unknown, GraphqlContext> = (source, args, ctx, info) => {
  const resolve = RESOLVERS[info.parentType.name]?.[info.fieldName];
  return resolve ? resolve(source as Record<string, unknown>, args, ctx) : protoFieldResolver(source, args, ctx, info);
};

/** `router` is the one the routes are mounted on: fields call its REST routes (behind the auth gate when there is one). */
export function graphqlRoutes(router: Router, env: NodeJS.ProcessEnv = process.env): Route[] {
  const schema = mlflowSchema();
  const limits = queryLimitsFrom(env);

  const answer = async (req: ApiRequest): Promise<GraphqlAnswer> => {
    const request = req.method === 'GET' ? fromQueryString(req.query) : fromBody(await req.input());
    const document = parseQuery(request.query);
    const overLimit = queryLimitViolation(document, limits);
    if (overLimit !== undefined) return { data: null, errors: [overLimit] };
    const invalid = validate(schema, document);
    if (invalid.length > 0) return { data: null, errors: invalid.map((e) => e.message) };
    const result = await execute({
      schema,
      document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: { rest: restCalls(router, req) } satisfies GraphqlContext,
      fieldResolver,
    });
    const tooMany = result.errors?.find((e) => e.originalError instanceof TooManyLookups);
    if (tooMany) return { data: null, errors: [tooMany.message] };
    return { data: result.data ?? null, errors: result.errors?.map(messageOf) ?? null };
  };
  return [
    { method: 'POST', pattern: '/graphql', handler: answer },
    { method: 'GET', pattern: '/graphql', handler: answer },
  ];
}

function parseQuery(query: string): DocumentNode {
  try {
    return parse(query, { maxTokens: MAX_TOKENS });
  } catch (err) {
    if (err instanceof GraphQLError) throw MlflowError.invalid(`The GraphQL query does not parse: ${err.message}${where(err)}`);
    throw err;
  }
}

function where(err: GraphQLError): string {
  const at = err.locations?.[0];
  return at ? ` (line ${at.line}, column ${at.column})` : '';
}

/** A resolver's MLflow error reads as its REST message; anything unexpected is a fault, left to the server's 500 and its log. */
function messageOf(err: GraphQLError): string {
  const cause = err.originalError;
  if (cause === undefined || cause instanceof MlflowError || cause instanceof GraphQLError) return err.message;
  throw cause;
}

function fromBody(body: unknown): GraphqlRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw MlflowError.invalid('A GraphQL request body is a JSON object: {"query": "...", "variables": {...}, "operationName": "..."}');
  }
  const { query, variables, operationName } = body as Record<string, unknown>;
  return checked(query, variables, operationName);
}

/** GET carries the request as query parameters, `variables` as JSON text. */
function fromQueryString(params: URLSearchParams): GraphqlRequest {
  const variables = params.get('variables');
  let parsed: unknown;
  try {
    parsed = variables === null || variables === '' ? undefined : JSON.parse(variables);
  } catch {
    throw MlflowError.invalid("The 'variables' parameter is not JSON: give an object, e.g. variables={\"id\":\"1\"}");
  }
  return checked(params.get('query') ?? undefined, parsed, params.get('operationName') ?? undefined);
}

function checked(query: unknown, variables: unknown, operationName: unknown): GraphqlRequest {
  if (typeof query !== 'string' || query.trim() === '') throw MlflowError.invalid("Missing value for required parameter 'query': give the GraphQL query as a string");
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    throw MlflowError.invalid("Invalid value for parameter 'variables': give a JSON object of the query's variables");
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw MlflowError.invalid("Invalid value for parameter 'operationName': give the name of one operation of the query");
  }
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: (operationName ?? undefined) as string | undefined,
  };
}
