/** Runs a command's body and turns any failure into one clear line on stderr and exit status 1. */
import { MlflowError } from '../common/mlflow-error.js';

export async function runCommand(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const message = err instanceof MlflowError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`aviary: ${message}\n`);
    process.exitCode = 1;
  }
}
