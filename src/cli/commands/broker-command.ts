/** `aviary broker`: placeholder until its implementation lands (replaced, not extended). */
import { Command } from 'commander';

export function brokerCommand(): Command {
  return new Command('broker').description('(not built yet)');
}
