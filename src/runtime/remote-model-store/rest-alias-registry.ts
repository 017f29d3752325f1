/** A registered model's aliases read and moved through a tracking server's REST API (MLflow's endpoints). */
import type { TrackingServerClient } from './tracking-server-client.js';

/** The broker's AliasRegistry, stated here so that the runtime does not import the broker. */
export interface RestAliasRegistry {
  getVersionByAlias(name: string, alias: string): Promise<{ readonly version: string }>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
}

export function restAliasRegistry(server: TrackingServerClient): RestAliasRegistry {
  return {
    getVersionByAlias: async (name, alias) =>
      (await server.getJson<{ model_version: { version: string } }>('mlflow', 'registered-models/alias', { name, alias }, `model ${name}@${alias}`)).model_version,
    setAlias: async (name, alias, version) => {
      try {
        await server.postJson('registered-models/alias', { name, alias, version }, `alias @${alias} of model ${name}`);
      } catch (err) {
        // The client words a 403 as a read; moving an alias needs MANAGE.
        const said = err instanceof Error ? /^(.*) may not read (.*) \((403[^)]*)\)/.exec(err.message) : null;
        if (said) throw new Error(`${said[1]} may not move ${said[2]} (${said[3]}): ask an administrator for MANAGE permission on registered model '${name}'`);
        throw err;
      }
    },
  };
}
