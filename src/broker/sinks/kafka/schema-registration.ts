/**
 * The schema id a Confluent wire-format message carries: its writer schema registered under
 * the topic's value subject (`<topic>-value`, Confluent's default naming) in a
 * Confluent-compatible registry (`POST <url>/subjects/<subject>/versions` answers {"id": n};
 * registering a schema again returns its id), or, offline, written into a folder as `<id>.avsc`
 * (ids from 1; a schema already there keeps its id), the folder a Kafka source reads with
 * `--schema-registry <folder>`. Each schema is registered once per run.
 */
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolders } from '../../../common/make-folders.js';

export interface SchemaRegistration {
  /** The id of `schemaText` under `subject`; rejects with what went wrong. */
  idOf(subject: string, schemaText: string): Promise<number>;
  readonly description: string;
}

const REGISTRY_TIMEOUT_MS = 10_000;

export function schemaRegistration(where: string): SchemaRegistration {
  const register = /^https?:\/\//i.test(where) ? (subject: string, text: string) => inRegistry(where, subject, text) : (_subject: string, text: string) => inFolder(where, text);
  const known = new Map<string, Promise<number>>();
  return {
    description: /^https?:\/\//i.test(where) ? `schema registry ${where}` : `schema folder ${where}`,
    idOf(subject, schemaText) {
      const key = `${subject}\n${schemaText}`;
      let id = known.get(key);
      if (!id) {
        id = register(subject, schemaText);
        known.set(key, id);
        id.catch(() => known.delete(key));
      }
      return id;
    },
  };
}

async function inRegistry(url: string, subject: string, schemaText: string): Promise<number> {
  const address = `${url.replace(/\/+$/, '')}/subjects/${encodeURIComponent(subject)}/versions`;
  let response: Response;
  try {
    response = await fetch(address, {
      method: 'POST',
      signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/vnd.schemaregistry.v1+json, application/json' },
      body: JSON.stringify({ schema: schemaText }),
    });
  } catch (err) {
    throw new Error(`the schema registry did not answer (${address}): ${(err as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`the schema registry answered ${response.status} for ${address}: ${text.slice(0, 200)}`);
  const id = (JSON.parse(text) as { id?: unknown }).id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0x7fffffff) throw new Error(`the schema registry gave no schema id for ${address}: ${text.slice(0, 200)}`);
  return id;
}

/** Registrations into one folder are serialised, so two schemas never take one id. */
let folderQueue: Promise<unknown> = Promise.resolve();

function inFolder(folder: string, schemaText: string): Promise<number> {
  const next = folderQueue.then(() => registerInFolder(folder, schemaText));
  folderQueue = next.catch(() => {});
  return next;
}

async function registerInFolder(folder: string, schemaText: string): Promise<number> {
  await makeFolders(folder);
  const canonical = JSON.stringify(JSON.parse(schemaText));
  let highest = 0;
  for (const name of await readdir(folder)) {
    const match = /^(\d+)\.avsc$/.exec(name);
    if (!match) continue;
    const id = Number(match[1]);
    highest = Math.max(highest, id);
    try {
      if (JSON.stringify(JSON.parse(await readFile(join(folder, name), 'utf8'))) === canonical) return id;
    } catch {
      // Not a schema of ours: its id stays taken.
    }
  }
  // 'wx': another process that took this id first makes this one try the next.
  for (let id = highest + 1; ; id++) {
    try {
      const file = await open(join(folder, `${id}.avsc`), 'wx');
      await file.writeFile(schemaText);
      await file.close();
      return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot write schema ${id}.avsc into ${folder}: ${(err as Error).message}`);
    }
  }
}
