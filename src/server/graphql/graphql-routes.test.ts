// /graphql over real HTTP, for what the Python suite cannot check against MLflow (which answers
// 500 to these): requests without a usable query are 400s saying why; GET reads the query string;
// a query needing too many lookups is refused as a whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { MAX_CALLS_PER_QUERY } from './rest-calls.js';

let server: TestServer;
let base: string;

async function post(body: unknown) {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  server = await startTestServer('graphql-routes');
  base = server.base;
});

afterAll(() => server.close());

describe('/graphql requests', () => {
  it('refuses a body without a query, naming the parameter', async () => {
    for (const body of [{}, { query: '' }, { query: 7 }]) {
      expect(await post(body)).toMatchObject({
        status: 400,
        json: { error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'query': give the GraphQL query as a string" },
      });
    }
  });

  it('refuses a query that does not parse, saying where', async () => {
    const { status, json } = await post({ query: '{ test(inputString: "a") { output }' });
    expect(status).toBe(400);
    expect(json.message).toBe('The GraphQL query does not parse: Syntax Error: Expected Name, found <EOF>. (line 1, column 36)');
  });

  it('refuses a document past the token bound before looking at it further', async () => {
    const { status, json } = await post({ query: `{ ${'test { output } '.repeat(6000)} }` });
    expect(status).toBe(400);
    expect(json.message).toMatch(/does not parse: Syntax Error: Document contains more that 20000 tokens/);
  });

  it('refuses variables that are not an object', async () => {
    const { status, json } = await post({ query: '{ test { output } }', variables: [1] });
    expect(status).toBe(400);
    expect(json.message).toMatch(/'variables'/);
  });

  it('answers GET with the query, operation and JSON variables from the query string', async () => {
    const query = 'query A($s: String) { test(inputString: $s) { output } } query B { test(inputString: "b") { output } }';
    const params = new URLSearchParams({ query, operationName: 'A', variables: JSON.stringify({ s: 'from GET' }) });
    const res = await fetch(`${base}/graphql?${params}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { test: { output: 'from GET' } }, errors: null });
    const broken = await fetch(`${base}/graphql?${new URLSearchParams({ query, variables: '{' })}`);
    expect(broken.status).toBe(400);
  });

  it('reports an unknown experiment as MLflow does: a null field and the REST message', async () => {
    const { status, json } = await post({ query: '{ mlflowGetExperiment(input: {experimentId: "404"}) { experiment { name } } }' });
    expect(status).toBe(200);
    expect(json).toEqual({ data: { mlflowGetExperiment: null }, errors: ['No Experiment with id=404 exists'] });
  });

  it('searches runs by lifecycle with runViewType (which MLflow fails to read)', async () => {
    const experimentId = await server.aviary.tracking.createExperiment('by-view-type', undefined, []);
    const kept = (await server.aviary.tracking.createRun({ experimentId, tags: [] })).info.run_id;
    const deleted = (await server.aviary.tracking.createRun({ experimentId, tags: [] })).info.run_id;
    await server.aviary.tracking.deleteRun(deleted);
    const ids = async (view: string) => {
      const { json } = await post({ query: `{ mlflowSearchRuns(input: {experimentIds: ["${experimentId}"], runViewType: ${view}}) { runs { info { runId } } } }` });
      return (json.data.mlflowSearchRuns.runs as { info: { runId: string } }[]).map((r) => r.info.runId).sort();
    };
    expect(await ids('ACTIVE_ONLY')).toEqual([kept]);
    expect(await ids('DELETED_ONLY')).toEqual([deleted]);
    expect(await ids('ALL')).toEqual([kept, deleted].sort());
  });

  it('refuses a search whose runs would each need their own lookup past the bound, in one error', async () => {
    const experimentId = await server.aviary.tracking.createExperiment('many-runs', undefined, []);
    for (let i = 0; i <= MAX_CALLS_PER_QUERY; i++) await server.aviary.tracking.createRun({ experimentId, tags: [] });
    const query = `{ mlflowSearchRuns(input: {experimentIds: ["${experimentId}"], maxResults: 2000}) { runs { modelVersions { name } } } }`;
    const { status, json } = await post({ query });
    expect(status).toBe(200);
    expect(json).toEqual({
      data: null,
      errors: [`This query needs more than ${MAX_CALLS_PER_QUERY} lookups: ask for fewer runs (maxResults), or leave out experiment and modelVersions for a long list`],
    });
    const cheap = await post({ query: query.replace('modelVersions { name }', 'info { runId }') });
    expect(cheap.json.data.mlflowSearchRuns.runs).toHaveLength(MAX_CALLS_PER_QUERY + 1);
  });
});
