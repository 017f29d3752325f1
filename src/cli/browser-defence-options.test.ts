// The flags as `aviary server` and `aviary demo` read them: comma lists, MLflow's variables as fallbacks, a flag winning.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addBrowserDefenceOptions, browserDefencesFromFlags, type BrowserDefenceFlags } from './browser-defence-options.js';

function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const command = addBrowserDefenceOptions(new Command('server')).exitOverride();
  command.parse(argv, { from: 'user' });
  return browserDefencesFromFlags(command.opts<BrowserDefenceFlags>(), '0.0.0.0', env);
}

describe('browser defence flags', () => {
  it('default to no extra hosts and no other origins, with the listen address kept', () => {
    expect(parse([])).toEqual({ allowedHosts: [], corsAllowedOrigins: [], listenHost: '0.0.0.0' });
  });

  it('read comma lists from the flags, and MLflow variables when a flag is absent', () => {
    const env = { MLFLOW_SERVER_ALLOWED_HOSTS: 'env.example', MLFLOW_SERVER_CORS_ALLOWED_ORIGINS: 'https://a.example, https://b.example' };
    expect(parse(['--allowed-hosts', 'aviary.example, *.lab.example,'], env)).toMatchObject({
      allowedHosts: ['aviary.example', '*.lab.example'],
      corsAllowedOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(parse(['--cors-allowed-origins', 'https://c.example'], env)).toMatchObject({ allowedHosts: ['env.example'], corsAllowedOrigins: ['https://c.example'] });
  });
});
