/** The `aviary` command: one program, one sub-command per job. */
import { Command } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { envCommand } from './commands/env-command.js';
import { modelsCommand } from './commands/models-command.js';
import { serverCommand } from './commands/server-command.js';

const program = new Command()
  .name('aviary')
  .description('Run your own machine-learning models on astronomical alert streams.')
  .version(pkg.version);

program.addCommand(serverCommand(pkg.version));
program.addCommand(modelsCommand());
program.addCommand(envCommand());

await program.parseAsync(process.argv);
