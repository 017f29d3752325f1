/** `aviary simulate`: placeholder until its implementation lands (replaced, not extended). */
import { Command } from 'commander';

export function simulateCommand(): Command {
  return new Command('simulate').description('(not built yet)');
}
