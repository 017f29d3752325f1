/**
 * The flags of the browser defences, named as `mlflow server`'s, with MLflow's environment
 * variables as fallbacks (a flag wins). Lists are comma-separated.
 */
import type { Command } from 'commander';
import type { BrowserDefenceOptions } from '../server/security/browser-guard.js';

export interface BrowserDefenceFlags {
  allowedHosts?: string;
  corsAllowedOrigins?: string;
}

export function addBrowserDefenceOptions(command: Command): Command {
  return command
    .option(
      '--allowed-hosts <hosts>',
      'Host names to answer besides localhost and the listen address, comma-separated (`*` globs; `*` alone allows any and is unsafe) [env: MLFLOW_SERVER_ALLOWED_HOSTS]',
    )
    .option(
      '--cors-allowed-origins <origins>',
      'other origins whose pages may call the API, comma-separated, e.g. https://notebook.example (`*` alone allows any and is unsafe) [env: MLFLOW_SERVER_CORS_ALLOWED_ORIGINS]',
    );
}

export function browserDefencesFromFlags(flags: BrowserDefenceFlags, listenHost: string, env: NodeJS.ProcessEnv = process.env): BrowserDefenceOptions {
  return {
    allowedHosts: list(flags.allowedHosts ?? env.MLFLOW_SERVER_ALLOWED_HOSTS),
    corsAllowedOrigins: list(flags.corsAllowedOrigins ?? env.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS),
    listenHost,
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
