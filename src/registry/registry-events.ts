/**
 * The registry's typed, in-process event stream. The broker follows it to swap the model
 * behind an alias in seconds; webhooks forward it over HTTP. Events are emitted after the
 * change is committed, once per change; a listener that throws is logged, never propagated.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../common/logger.js';
import type { KeyValue } from './entities.js';

interface At {
  /** Epoch milliseconds when the change was committed. */
  readonly timestamp: number;
  /** Who made the change, when the server authenticates requests (`aviary server --auth`). */
  readonly user?: string;
}

export type RegistryEvent = At &
  (
    /** Created entities carry their tags and description, so a webhook's payload needs no read back. */
    | { readonly type: 'registered_model.created'; readonly name: string; readonly tags: readonly KeyValue[]; readonly description?: string }
    | { readonly type: 'registered_model.renamed'; readonly name: string; readonly newName: string }
    | { readonly type: 'registered_model.updated'; readonly name: string }
    | { readonly type: 'registered_model.deleted'; readonly name: string }
    | { readonly type: 'registered_model.tag_set'; readonly name: string; readonly key: string; readonly value: string }
    | { readonly type: 'registered_model.tag_deleted'; readonly name: string; readonly key: string }
    | {
        readonly type: 'model_version.created';
        readonly name: string;
        readonly version: string;
        readonly source: string;
        readonly runId?: string;
        readonly modelId?: string;
        readonly tags: readonly KeyValue[];
        readonly description?: string;
      }
    | { readonly type: 'model_version.updated'; readonly name: string; readonly version: string }
    | { readonly type: 'model_version.deleted'; readonly name: string; readonly version: string }
    | { readonly type: 'model_version.stage_changed'; readonly name: string; readonly version: string; readonly stage: string }
    | { readonly type: 'model_version.tag_set'; readonly name: string; readonly version: string; readonly key: string; readonly value: string }
    | { readonly type: 'model_version.tag_deleted'; readonly name: string; readonly version: string; readonly key: string }
    /** `previousVersion` is set when the alias moved from another version. */
    | { readonly type: 'alias.set'; readonly name: string; readonly alias: string; readonly version: string; readonly previousVersion?: string }
    | { readonly type: 'alias.deleted'; readonly name: string; readonly alias: string; readonly version: string }
  );

export type RegistryEventListener = (event: RegistryEvent) => void;

export class RegistryEvents {
  private readonly listeners = new Set<RegistryEventListener>();
  /** The user of the request under way: events emitted inside `actingAs` carry it. */
  private readonly actor = new AsyncLocalStorage<string>();

  constructor(private readonly log: Logger) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: RegistryEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `work` so that every event it emits names `user`. */
  actingAs<T>(user: string, work: () => T): T {
    return this.actor.run(user, work);
  }

  emit(event: RegistryEvent): void {
    const user = this.actor.getStore();
    if (user !== undefined && event.user === undefined) event = { ...event, user };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.error(`registry event listener failed on ${event.type}: ${String(err)}`);
      }
    }
  }
}

/** One line for logs and the UI, e.g. "alias champion moved from 1 to 2 on snia". */
export function describeRegistryEvent(e: RegistryEvent): string {
  switch (e.type) {
    case 'registered_model.created':
      return `model ${e.name} created`;
    case 'registered_model.renamed':
      return `model ${e.name} renamed to ${e.newName}`;
    case 'registered_model.updated':
      return `model ${e.name} updated`;
    case 'registered_model.deleted':
      return `model ${e.name} deleted`;
    case 'registered_model.tag_set':
      return `tag ${e.key} set on ${e.name}`;
    case 'registered_model.tag_deleted':
      return `tag ${e.key} deleted from ${e.name}`;
    case 'model_version.created':
      return `version ${e.version} of ${e.name} created from ${e.source}`;
    case 'model_version.updated':
      return `version ${e.version} of ${e.name} updated`;
    case 'model_version.deleted':
      return `version ${e.version} of ${e.name} deleted`;
    case 'model_version.stage_changed':
      return `version ${e.version} of ${e.name} moved to stage ${e.stage}`;
    case 'model_version.tag_set':
      return `tag ${e.key} set on version ${e.version} of ${e.name}`;
    case 'model_version.tag_deleted':
      return `tag ${e.key} deleted from version ${e.version} of ${e.name}`;
    case 'alias.set':
      return e.previousVersion
        ? `alias ${e.alias} moved from ${e.previousVersion} to ${e.version} on ${e.name}`
        : `alias ${e.alias} set to ${e.version} on ${e.name}`;
    case 'alias.deleted':
      return `alias ${e.alias} deleted from ${e.name} (was ${e.version})`;
  }
}
