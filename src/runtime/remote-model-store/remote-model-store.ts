/**
 * The model store of a machine that is not the server's: models:/, runs:/ and mlflow-artifacts:/
 * URIs resolved through a tracking server's REST API and their files (preprocessing folders
 * included) downloaded through its artifact proxy, as the mlflow client does. It has no registry
 * events: the broker's alias follower polls it.
 */
import { resolveModelUri } from '../../registry/resolve-model-uri.js';
import type { PreprocessingStore } from '../preprocessing-check-source.js';
import { HttpArtifactReader } from './http-artifact-reader.js';
import { restModelUriLookups } from './rest-model-uri-lookups.js';
import { TrackingServerClient } from './tracking-server-client.js';
import type { TrackingServerSettings } from './tracking-server-settings.js';

export interface RemoteModelStore extends PreprocessingStore {
  /** The server's URL as it may be printed (no password). */
  readonly server: string;
  close(): Promise<void>;
}

export function openRemoteModelStore(settings: TrackingServerSettings): RemoteModelStore {
  const client = new TrackingServerClient(settings);
  const lookups = restModelUriLookups(client);
  return {
    server: client.display,
    registry: { resolveModelUri: (uri) => resolveModelUri(uri, lookups) },
    tracking: { getRun: lookups.getRun, getLoggedModel: lookups.getLoggedModel },
    artifacts: new HttpArtifactReader(client),
    close: async () => client.close(),
  };
}
