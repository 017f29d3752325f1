/**
 * `aviary models check` as a program, for the command's tests: a `models` command with only
 * `check` added. (Once models-command.ts registers check, src/cli/main.ts runs it the same way.)
 */
import { Command } from 'commander';
import { addModelsCheckCommand } from '../../../src/cli/commands/models-check-command.js';

const models = new Command('models');
addModelsCheckCommand(models);
await models.parseAsync(process.argv);
