/**
 * Which alerts the demo replays: the ones asked for; else the real ZTF alerts shared beside the
 * project; else simulated ones, written once into <data dir>/alerts-<n>-seed<seed>/ (a second
 * demo replays the same folder).
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSimulatedAlerts } from '../broker/simulate/index.js';
import type { DemoProgress } from './demo-progress.js';
import { sharedZtfAlerts } from './demo-files.js';

export interface ReplaySource {
  readonly paths: readonly string[];
  /** For the progress line: "the real ZTF alerts of ...". */
  readonly description: string;
  /** How many alerts, when known in advance (simulated ones). */
  readonly expected?: number;
}

export async function replaySource(
  options: { readonly alerts?: readonly string[]; readonly simulated: boolean; readonly count: number; readonly seed: number },
  dataDir: string,
  progress: DemoProgress,
): Promise<ReplaySource> {
  if (options.alerts && options.alerts.length > 0) return { paths: options.alerts, description: `the alerts of ${options.alerts.join(', ')}` };
  const shared = options.simulated ? undefined : sharedZtfAlerts();
  if (shared) return { paths: [shared], description: `the real ZTF alerts of ${shared}` };
  const dir = join(dataDir, `alerts-${options.count}-seed${options.seed}`);
  if (!existsSync(dir)) await simulateInto(dir, options.count, options.seed, progress);
  else progress.detail(`reusing the ${options.count} simulated alerts of ${dir}`);
  // The Avro files only: nothing else in a simulated folder is an alert.
  return { paths: [join(dir, '*.avro')], description: `${options.count} simulated ZTF alerts in ${dir}`, expected: options.count };
}

/** Written beside, then renamed: an interrupted simulation is never taken for a finished one. */
async function simulateInto(dir: string, n: number, seed: number, progress: DemoProgress): Promise<void> {
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  const summary = await writeSimulatedAlerts({
    out: partial,
    n,
    seed,
    progressEvery: 500,
    onProgress: (p) => progress.detail(`simulated ${p.alerts}/${p.of} alerts (${p.seconds.toFixed(1)}s)`),
  });
  await rename(partial, dir);
  const mix = Object.entries(summary.classes).map(([c, k]) => `${k} ${c}`).join(', ');
  progress.detail(`simulated ${summary.alerts} alerts (${mix}) in ${summary.seconds.toFixed(1)}s`);
}
