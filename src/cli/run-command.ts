/**
 * Runs a command's body and turns any failure into one clear line on stderr and exit status 1
 * (with `json`, also `{"error": "..."}` on stdout, so a script reading the output learns why).
 * A run stopped by Ctrl-C exits with 130, as shells expect of an interrupted program.
 */
import { MlflowError } from '../common/mlflow-error.js';
import { RunInterrupted } from '../broker/pipeline/unless-aborted.js';

export const EXIT_INTERRUPTED = 130;

export async function runCommand(body: () => Promise<void>, options: { json?: boolean } = {}): Promise<void> {
  try {
    await body();
  } catch (err) {
    const message = err instanceof MlflowError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`aviary: ${message}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    process.exitCode = err instanceof RunInterrupted ? EXIT_INTERRUPTED : 1;
  }
}
