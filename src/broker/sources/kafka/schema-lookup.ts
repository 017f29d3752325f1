/**
 * Writer schemas of Confluent wire-format messages, by id: from a Confluent-compatible schema
 * registry (`GET <url>/schemas/ids/<id>` answers {"schema": "<schema JSON text>"}), or from a
 * local folder of schemas named by id (`<id>.avsc` or `<id>.json`, either the schema itself or
 * the registry's answer), for offline use. Each id is looked up once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SchemaLookup {
  /** The writer schema's JSON text; rejects with what went wrong (unknown id, registry down). */
  schemaText(id: number): Promise<string>;
  readonly description: string;
}

const REGISTRY_TIMEOUT_MS = 10_000;

/** A registry at `url` (http or https) or a folder path. */
export function schemaLookup(where: string): SchemaLookup {
  return /^https?:\/\//i.test(where) ? new CachedLookup(`schema registry ${where}`, (id) => fromRegistry(where, id)) : new CachedLookup(`schema folder ${where}`, (id) => fromFolder(where, id));
}

class CachedLookup implements SchemaLookup {
  private readonly found = new Map<number, Promise<string>>();

  constructor(
    readonly description: string,
    private readonly fetch: (id: number) => Promise<string>,
  ) {}

  schemaText(id: number): Promise<string> {
    let text = this.found.get(id);
    if (!text) {
      text = this.fetch(id);
      this.found.set(id, text);
      // A failure is not remembered: the registry may answer later.
      text.catch(() => this.found.delete(id));
    }
    return text;
  }
}

async function fromRegistry(url: string, id: number): Promise<string> {
  const address = `${url.replace(/\/+$/, '')}/schemas/ids/${id}`;
  let response: Response;
  try {
    response = await fetch(address, { signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS), headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json' } });
  } catch (err) {
    throw new Error(`the schema registry did not answer (${address}): ${(err as Error).message}`);
  }
  if (!response.ok) throw new Error(`the schema registry answered ${response.status} for ${address}`);
  return schemaOf(await response.text(), address);
}

async function fromFolder(folder: string, id: number): Promise<string> {
  for (const name of [`${id}.avsc`, `${id}.json`]) {
    let text: string;
    try {
      text = await readFile(join(folder, name), 'utf8');
    } catch {
      continue;
    }
    return schemaOf(text, join(folder, name));
  }
  throw new Error(`no schema ${id}.avsc or ${id}.json in ${folder}`);
}

/** The schema's text, from the schema itself or a registry answer {"schema": "..."}. */
function schemaOf(text: string, where: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where} is not JSON: ${(err as Error).message}`);
  }
  if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { schema?: unknown }).schema === 'string') return (parsed as { schema: string }).schema;
  return text;
}
