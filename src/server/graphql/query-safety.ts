/**
 * The limits MLflow puts on a GraphQL query before running it (its graphql_no_batching.py),
 * with the same defaults, environment variables and messages: depth 10, 1000 selections in
 * all (fragments expanded where they are spread), and at most MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS
 * root fields and MLFLOW_SERVER_GRAPHQL_MAX_ALIASES aliases at any one level (fragments' aliases
 * counted with their level's).
 * One check of Aviary's own comes first: the document's field nodes, wherever they are (a
 * fragment never spread included), are at most the selection limit too, so validation, whose
 * cost grows with the square of a level's fields, never sees more.
 */
import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export const MAX_DEPTH = 10;
export const MAX_SELECTIONS = 1000;

export interface QueryLimits {
  readonly maxRootFields: number;
  readonly maxAliases: number;
}

const LIMIT_VARIABLES = { maxRootFields: 'MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS', maxAliases: 'MLFLOW_SERVER_GRAPHQL_MAX_ALIASES' } as const;

/** The limits from the environment (10 each when unset); a value that is not a whole number stops the server with its name. */
export function queryLimitsFrom(env: NodeJS.ProcessEnv): QueryLimits {
  const read = (name: string): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return 10;
    if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got '${raw}'`);
    return Number(raw);
  };
  return { maxRootFields: read(LIMIT_VARIABLES.maxRootFields), maxAliases: read(LIMIT_VARIABLES.maxAliases) };
}

/** The message of the first limit the document exceeds, or undefined when it is within them all. */
export function queryLimitViolation(document: DocumentNode, limits: QueryLimits): string | undefined {
  if (countFieldNodes(document) > MAX_SELECTIONS) return selectionsMessage();
  const scanned = scan(document);
  if (typeof scanned === 'string') return scanned;
  if (scanned.rootFields > limits.maxRootFields) return limitMessage(limits.maxRootFields, 'root fields', scanned.rootFields, LIMIT_VARIABLES.maxRootFields);
  if (scanned.maxAliases > limits.maxAliases) return limitMessage(limits.maxAliases, 'aliases', scanned.maxAliases, LIMIT_VARIABLES.maxAliases);
  return undefined;
}

function limitMessage(limit: number, what: string, got: number, variable: string): string {
  return `GraphQL queries should have at most ${limit} ${what}, got ${got} ${what}. To increase the limit, set the ${variable} environment variable.`;
}

const selectionsMessage = () => `Query exceeds maximum total selections of ${MAX_SELECTIONS}`;

function countFieldNodes(document: DocumentNode): number {
  let count = 0;
  const pending: SelectionSetNode[] = [];
  for (const d of document.definitions) if ('selectionSet' in d && d.selectionSet) pending.push(d.selectionSet);
  while (pending.length > 0 && count <= MAX_SELECTIONS) {
    for (const s of pending.pop()!.selections) {
      if (s.kind === Kind.FIELD) count++;
      if ('selectionSet' in s && s.selectionSet) pending.push(s.selectionSet);
    }
  }
  return count;
}

/** Root fields and the most aliases at one level, walking operations with fragments expanded; or the depth or size message. */
function scan(document: DocumentNode): { rootFields: number; maxAliases: number } | string {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let rootFields = 0;
  let maxAliases = 0;
  let selections = 0;
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const stack: { set: SelectionSetNode; depth: number }[] = [{ set: operation.selectionSet, depth: 1 }];
    while (stack.length > 0) {
      const { set, depth } = stack.pop()!;
      if (depth > MAX_DEPTH) return `Query exceeds maximum depth of ${MAX_DEPTH}`;
      const { fields, aliases } = levelFields(set, fragments);
      for (const f of fields) {
        if (depth === 1) rootFields++;
        if (f.selectionSet) stack.push({ set: f.selectionSet, depth: depth + 1 });
        if (++selections > MAX_SELECTIONS) return selectionsMessage();
      }
      maxAliases = Math.max(maxAliases, aliases);
    }
  }
  return { rootFields, maxAliases };
}

/** The fields of one level, through its inline fragments and spreads (each fragment once), and their aliases. */
function levelFields(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): { fields: FieldNode[]; aliases: number } {
  const fields: FieldNode[] = [];
  let aliases = 0;
  const spread = new Set<string>();
  const queue = [...set.selections];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    if (s.kind === Kind.FIELD) {
      fields.push(s);
      if (s.alias) aliases++;
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      queue.push(...s.selectionSet.selections);
    } else if (!spread.has(s.name.value)) {
      spread.add(s.name.value);
      const fragment = fragments.get(s.name.value);
      if (fragment) queue.push(...fragment.selectionSet.selections);
    }
  }
  return { fields, aliases };
}
