/**
 * A burst of writes through one handle on a shared store, used by the contract suites for two
 * writers at once: in the test process, and in a second process started as
 *   node --import tsx tests/ts/contracts/peer-writer.ts '<json WriterSpec>'
 * which opens the store, prints "ready", waits for a line on stdin, writes, and prints its
 * WriterReport as JSON. Every write is started before any is awaited, and every failure is kept.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { openStores, type Stores } from './store-implementations.js';

export interface WriterSpec {
  uri: string;
  who: string;
  runId: string;
  modelName: string;
  count: number;
  /** Which stores to write to (default both). */
  only?: 'tracking' | 'registry';
}

export interface WriterReport {
  errors: string[];
  versions: string[];
  start: number;
  end: number;
}

export async function writeBurst(stores: Stores, spec: WriterSpec): Promise<WriterReport> {
  const errors: string[] = [];
  const versions: string[] = [];
  const keep = (p: Promise<unknown>) => p.catch((err: unknown) => void errors.push(String(err)));
  const start = Date.now();
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < spec.count; i++) {
    // Params are read before they are written, so this batch reads first inside its transaction.
    if (spec.only !== 'registry') writes.push(
      keep(
        stores.tracking.logBatch(spec.runId, {
          params: [{ key: `p-${spec.who}-${i}`, value: String(i) }],
          tags: [{ key: `t-${spec.who}`, value: String(i) }],
          metrics: [{ key: `m-${spec.who}`, value: i, timestamp: 1000 + i, step: i }],
        }),
      ),
    );
    if (spec.only === 'tracking') continue;
    writes.push(
      keep(
        stores.registry
          .createModelVersion({ name: spec.modelName, source: `s3://bucket/${spec.who}/${i}`, storageLocation: `s3://bucket/${spec.who}/${i}`, tags: [] })
          .then((v) => versions.push(v.version)),
      ),
    );
    writes.push(keep(stores.registry.setAlias(spec.modelName, `alias-${spec.who}`, '1')));
  }
  await Promise.all(writes);
  return { errors, versions, start, end: Date.now() };
}

const REPO = resolve(import.meta.dirname, '../../..');

/**
 * Starts a writer in another process and waits until its store is open; `go` starts its burst
 * and resolves with its report.
 */
export async function startPeerWriter(spec: WriterSpec): Promise<{ go(): Promise<WriterReport> }> {
  const peer = spawn(process.execPath, ['--import', 'tsx', 'tests/ts/contracts/peer-writer.ts', JSON.stringify(spec)], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  peer.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: peer.stdout });
  const exited = new Promise<never>((_, fail) => peer.once('exit', (code) => fail(new Error(`peer writer exited with ${code}: ${stderr}`))));
  const nextLine = () => Promise.race([new Promise<string>((ok) => lines.once('line', ok)), exited]);
  const ready = await nextLine();
  if (ready !== 'ready') throw new Error(`peer writer said ${ready}: ${stderr}`);
  return {
    async go() {
      const report = nextLine();
      peer.stdin.write('go\n');
      const line = await report;
      lines.close();
      return JSON.parse(line) as WriterReport;
    },
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as WriterSpec;
  const stores = await openStores(spec.uri);
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((go) => lines.once('line', () => go()));
  lines.close();
  const report = await writeBurst(stores, spec);
  await stores.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`peer-writer: ${String(err)}\n`);
    process.exitCode = 1;
  });
}
