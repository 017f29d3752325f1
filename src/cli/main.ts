/** The `aviary` command: one program, one sub-command per job. */
import { Command } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { alertsCommand } from './commands/alerts-command.js';
import { brokerCommand } from './commands/broker-command.js';
import { demoCommand } from './commands/demo-command.js';
import { envCommand } from './commands/env-command.js';
import { kafkaCommand } from './commands/kafka-command.js';
import { modelsCommand } from './commands/models-command.js';
import { modulesCommand } from './commands/modules-command.js';
import { replayCommand } from './commands/replay-command.js';
import { serverCommand } from './commands/server-command.js';
import { simulateCommand } from './commands/simulate-command.js';
import { guardUnfinishedCommand } from './unfinished-command.js';

const program = new Command()
  .name('aviary')
  .description('Run your own machine-learning models on astronomical alert streams.')
  .version(pkg.version);

program.addCommand(serverCommand(pkg.version));
program.addCommand(modelsCommand());
program.addCommand(envCommand());
program.addCommand(brokerCommand());
program.addCommand(modulesCommand());
program.addCommand(alertsCommand());
program.addCommand(simulateCommand());
program.addCommand(replayCommand());
program.addCommand(kafkaCommand());
program.addCommand(demoCommand());

const finished = guardUnfinishedCommand(process.argv.slice(2, 4).join(' '));
await program.parseAsync(process.argv);
finished();
