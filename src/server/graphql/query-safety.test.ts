// MLflow's query limits on parsed documents: what counts where, fragments expanded (and never
// followed in a cycle), and Aviary's own bound on a document's fields before validation.
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryLimitsFrom, queryLimitViolation, type QueryLimits } from './query-safety.js';

const limits: QueryLimits = { maxRootFields: 3, maxAliases: 2 };
const check = (query: string, given = limits) => queryLimitViolation(parse(query), given);

describe('queryLimitViolation', () => {
  it('accepts a query within every limit', () => {
    expect(check('{ a: test { output } b: test { output } test { output } }')).toBeUndefined();
  });

  it('counts root fields over every operation and through fragments', () => {
    const message = check('query A { test { output } ...R } query B { test { output } } fragment R on Query { x: test { output } y: test { output } }');
    expect(message).toBe(
      'GraphQL queries should have at most 3 root fields, got 4 root fields. To increase the limit, set the MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS environment variable.',
    );
  });

  it('adds the aliases of one level, inline fragments included, but not those of other levels', () => {
    expect(check('{ r { a: x b: x } s { c: x d: x } }')).toBeUndefined();
    expect(check('{ r { a: x ... on T { b: x } ... on T { c: x } } }')).toBe(
      'GraphQL queries should have at most 2 aliases, got 3 aliases. To increase the limit, set the MLFLOW_SERVER_GRAPHQL_MAX_ALIASES environment variable.',
    );
  });

  it('stops at depth 10, counting the root level as 1', () => {
    const nest = (depth: number) => '{ f '.repeat(depth - 1) + '{ leaf }' + ' }'.repeat(depth - 1);
    expect(check(nest(10))).toBeUndefined();
    expect(check(nest(11))).toBe('Query exceeds maximum depth of 10');
  });

  it('follows fragments that spread each other without looping', () => {
    const cyclic = 'query Q { r { ...A } } fragment A on T { x ...B } fragment B on T { y ...A }';
    expect(check(cyclic)).toBeUndefined();
  });

  it('counts selections with fragments expanded at each place they are spread', () => {
    const fields = Array.from({ length: 300 }, (_, i) => `f${i}`).join(' ');
    const spreadFourTimes = `query Q { a { ...F } b { ...F } c { ...F } } fragment F on T { ${fields} } query P { d { ...F } }`;
    expect(check(spreadFourTimes)).toBe('Query exceeds maximum total selections of 1000');
  });

  it('refuses a document of more than 1000 fields even in a fragment no operation spreads', () => {
    const fields = Array.from({ length: 1001 }, (_, i) => `f${i}`).join(' ');
    expect(check(`query Q { test { output } } fragment Unused on T { ${fields} }`)).toBe('Query exceeds maximum total selections of 1000');
  });
});

describe('queryLimitsFrom', () => {
  it('reads MLflow variables, 10 each when unset', () => {
    expect(queryLimitsFrom({})).toEqual({ maxRootFields: 10, maxAliases: 10 });
    expect(queryLimitsFrom({ MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS: '25', MLFLOW_SERVER_GRAPHQL_MAX_ALIASES: ' 4 ' })).toEqual({ maxRootFields: 25, maxAliases: 4 });
  });

  it('names the variable that is not a whole number', () => {
    expect(() => queryLimitsFrom({ MLFLOW_SERVER_GRAPHQL_MAX_ALIASES: 'ten' })).toThrow("MLFLOW_SERVER_GRAPHQL_MAX_ALIASES must be a whole number, got 'ten'");
  });
});
