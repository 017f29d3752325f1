/** `aviary alerts`: placeholder until its implementation lands (replaced, not extended). */
import { Command } from 'commander';

export function alertsCommand(): Command {
  return new Command('alerts').description('(not built yet)');
}
