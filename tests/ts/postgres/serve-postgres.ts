/**
 * A LocalPostgres for a program in another language (the Python suite's conftest.py):
 *
 *   node --import tsx tests/ts/postgres/serve-postgres.ts
 *
 * starts the server and prints "ready"; each line read on stdin ("database") is answered with
 * the URI of a new empty database. When stdin closes (or on SIGTERM), the server is stopped and
 * its folder removed. A failure is one line on stderr and exit 1.
 */
import { createInterface } from 'node:readline';
import { LocalPostgres } from './local-postgres.js';

const server = await LocalPostgres.start().catch((err: unknown) => {
  process.stderr.write(`serve-postgres: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= server.stop().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'database') return void process.stdout.write('error: expected "database"\n');
  server.createDatabase().then(
    (uri) => process.stdout.write(`${uri}\n`),
    (err: unknown) => process.stdout.write(`error: ${err instanceof Error ? err.message : String(err)}\n`),
  );
});
lines.on('close', stop);
