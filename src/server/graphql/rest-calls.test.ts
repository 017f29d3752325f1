// GraphQL's REST calls: made through the router's own handlers, each distinct call once per
// request, and at most the bound given, after which the query is refused with what to change.
import { describe, expect, it } from 'vitest';
import { Router, type ApiRequest } from '../router.js';
import { restCalls, TooManyLookups } from './rest-calls.js';

function routerCounting(): { router: Router; inputs: unknown[] } {
  const inputs: unknown[] = [];
  const router = new Router().add('GET', '/api/2.0/mlflow/things/get', async (req) => {
    const input = await req.input();
    inputs.push(input);
    return { thing: input, from_query: req.query.get('id') };
  });
  return { router, inputs };
}

const request = {} as ApiRequest;

describe('restCalls', () => {
  it('calls the route with the input, also as a query string for GET, and remembers each distinct call', async () => {
    const { router, inputs } = routerCounting();
    const call = restCalls(router, request);
    expect(await call('GET', '/api/2.0/mlflow/things/get', { id: '1' })).toEqual({ thing: { id: '1' }, from_query: '1' });
    await call('GET', '/api/2.0/mlflow/things/get', { id: '1' });
    await call('GET', '/api/2.0/mlflow/things/get', { id: '2' });
    expect(inputs).toEqual([{ id: '1' }, { id: '2' }]);
  });

  it('refuses the call past the bound, saying what to ask for instead', async () => {
    const { router } = routerCounting();
    const call = restCalls(router, request, 2);
    await call('GET', '/api/2.0/mlflow/things/get', { id: '1' });
    await call('GET', '/api/2.0/mlflow/things/get', { id: '2' });
    await call('GET', '/api/2.0/mlflow/things/get', { id: '1' }); // remembered: not a new lookup
    expect(() => call('GET', '/api/2.0/mlflow/things/get', { id: '3' })).toThrow(TooManyLookups);
    expect(() => call('GET', '/api/2.0/mlflow/things/get', { id: '3' })).toThrow('This query needs more than 2 lookups: ask for fewer runs (maxResults)');
  });

  it('names a path no route serves', async () => {
    const call = restCalls(new Router(), request);
    await expect(call('POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', {})).rejects.toThrow(
      'POST /ajax-api/2.0/mlflow/experiments/search-datasets is not served, so this field cannot be answered',
    );
  });
});
