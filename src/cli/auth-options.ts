/** `aviary server`'s authentication flags: `--auth` (or MLflow's `--app-name basic-auth`) and `--auth-config`. */
import type { Command } from 'commander';
import { readAuthConfig, type AuthConfig } from '../auth/auth-config.js';

export interface AuthFlags {
  auth?: boolean;
  appName?: string;
  authConfig?: string;
}

export function addAuthOptions(command: Command): Command {
  return command
    .option('--auth', 'require a username and password or a token on every request (MLflow basic-auth compatible)')
    .option('--app-name <name>', "MLflow's way to turn on authentication: only 'basic-auth' is supported")
    .option('--auth-config <file>', "settings as in MLflow's basic_auth.ini (default: MLFLOW_AUTH_CONFIG_PATH)");
}

/** The auth settings, or undefined when authentication is off; throws a one-line Error for a bad flag or file. */
export function authConfigFromFlags(flags: AuthFlags, env: NodeJS.ProcessEnv): AuthConfig | undefined {
  if (flags.appName !== undefined && flags.appName !== 'basic-auth') {
    throw new Error(`--app-name ${flags.appName} is not supported: the only app is 'basic-auth' (the same as --auth)`);
  }
  if (!flags.auth && flags.appName === undefined) {
    if (flags.authConfig !== undefined) throw new Error('--auth-config needs --auth (or --app-name basic-auth)');
    return undefined;
  }
  return readAuthConfig(flags.authConfig, env);
}
