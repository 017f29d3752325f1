/** `aviary demo`: placeholder until its implementation lands (replaced, not extended). */
import { Command } from 'commander';

export function demoCommand(): Command {
  return new Command('demo').description('(not built yet)');
}
