/**
 * MLflow's GenAI families (and workspaces, the MCP registry), which Aviary does not serve. A request for one of their routes gets
 * MLflow's unknown-endpoint answer (404 ENDPOINT_NOT_FOUND) saying which family it belongs to,
 * so a client fails at once and says why, rather than with a bare "not found".
 */

/** The first segment after `/api/<2.0|3.0>/mlflow/` (or `/ajax-api/...`) of each family's routes. */
const FAMILY_OF_SEGMENT: Record<string, string> = {
  traces: 'traces',
  'unified-traces': 'traces',
  'get-trace-artifact': 'traces',
  'get-online-trace-details': 'traces',
  gateway: 'AI gateway',
  'gateway-proxy': 'AI gateway',
  issues: 'issues',
  datasets: 'evaluation datasets',
  scorers: 'scorers',
  scorer: 'scorers',
  'label-schemas': 'label schemas and review queues',
  'review-queues': 'label schemas and review queues',
  'prompt-optimization': 'prompt optimization',
  jobs: 'jobs',
  genai: 'GenAI evaluation',
  demo: 'GenAI demo data',
  workspaces: 'workspaces',
  assistant: 'assistant',
  'mcp-servers': 'MCP server registry',
};

const MLFLOW_API = /^\/(?:ajax-)?api\/[23]\.0\/mlflow\/([^/]+)(?:\/(.*))?$/;

/** The family of a path MLflow serves and Aviary does not, or undefined. */
export function unservedFamilyOf(path: string): string | undefined {
  // OpenTelemetry trace ingestion, the gateway's own server, and jobs' own router.
  if (path === '/v1/traces' || path.startsWith('/v1/traces/')) return 'traces';
  if (path === '/gateway' || path.startsWith('/gateway/')) return 'AI gateway';
  if (/^\/ajax-api\/3\.0\/jobs(\/|$)/.test(path)) return 'jobs';
  const match = MLFLOW_API.exec(path);
  if (!match) return undefined;
  const [, segment, rest = ''] = match;
  if (segment === 'runs' && rest === 'create-promptlab-run') return 'prompt lab';
  return Object.hasOwn(FAMILY_OF_SEGMENT, segment!) ? FAMILY_OF_SEGMENT[segment!] : undefined;
}

/** MLflow's unknown-endpoint message, with the family named when the path is one of theirs. */
export function endpointNotFoundMessage(method: string, path: string): string {
  const family = unservedFamilyOf(path);
  const base = `No API endpoint found for ${method} ${path}`;
  return family === undefined ? base : `${base}: MLflow's ${family} API is not served by Aviary (it serves tracking, logged models, the model registry and artifacts)`;
}
