/**
 * Test support for the real alert files in ../shared/data (never copied into the project):
 * where they are, the counts their README gives, and an independent decode of them (fastavro
 * for Avro, pyarrow for Parquet: tests/alerts/decode_alerts.py in a cached venv).
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));

export const DATA = resolve(root, '../shared/data');

/** Every data set, with the number of alerts its README gives (fink-client-2019: the 15 readable + the 3 of the spec-breaking file, which is coped with). */
export const DATA_SETS = [
  { path: 'ztf/raw-2020', alerts: 50, survey: 'ztf' },
  { path: 'ztf/fink-topics-2023', alerts: 561, survey: 'ztf' },
  { path: 'ztf/fink-enriched-2026', alerts: 31, survey: 'ztf' },
  { path: 'ztf/fink-client-2019', alerts: 15 + 3, survey: 'ztf' },
  { path: 'ztf/ztf-avro-alert-samples', alerts: 2, survey: 'ztf' },
  { path: 'rubin/fink-enriched-2026', alerts: 7, survey: 'lsst' },
  { path: 'rubin/raw-v9_0', alerts: 100, survey: 'lsst' },
  { path: 'rubin/alert_packet-schemas', alerts: 3, survey: 'lsst' },
  { path: 'parquet/ztf-raw-2019', alerts: 51, survey: 'ztf' },
] as const;

export const dataPath = (...parts: string[]) => join(DATA, ...parts);

export interface DecodedAlert {
  readonly file: string;
  readonly index: number;
  /** candid / diaSourceId, exact digits. */
  readonly id: string;
  readonly objectId: string | null;
  readonly history: number;
  readonly upperLimits: number;
}

/** The Python environment of tests/alerts/requirements.txt (built once, cached): its python executable. */
export async function alertsTestPython(): Promise<string> {
  const { stdout } = await run('bash', [join(root, 'scripts/python-env.sh'), join(root, 'tests/alerts/requirements.txt')], { maxBuffer: 1 << 24 });
  return join(stdout.trim(), 'bin/python');
}

export async function decodeIndependently(files: readonly string[]): Promise<DecodedAlert[]> {
  const python = await alertsTestPython();
  const { stdout } = await run(python, [join(root, 'tests/alerts/decode_alerts.py'), ...files], { maxBuffer: 1 << 26 });
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as DecodedAlert);
}
