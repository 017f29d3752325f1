/**
 * A real PostgreSQL for the tests and benchmarks: a cluster created by initdb in a temporary
 * folder, started on a free port, stopped (and its folder removed) by stop(). PostgreSQL refuses
 * to run as root, so as root the cluster belongs to the `postgres` user and runs as it; as
 * another user it runs as that user. The server comes from Debian's package
 * (scripts/postgres-setup.sh installs it when missing). One role, `aviary`, with a password:
 * URIs carry credentials as a deployment's would.
 *
 *   const pg = await LocalPostgres.start();
 *   const uri = await pg.createDatabase();   // postgresql://aviary:...@127.0.0.1:<port>/<fresh db>
 *   ...
 *   await pg.stop();
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const SETUP = resolve(import.meta.dirname, '../../../scripts/postgres-setup.sh');
const START_TIMEOUT_MS = 30_000;
export const POSTGRES_USER = 'aviary';

/** The folder of initdb and postgres, installing Debian's package first when missing. */
async function postgresBin(): Promise<string> {
  try {
    const { stdout } = await run('bash', [SETUP]);
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`scripts/postgres-setup.sh failed${stderr ? `: ${stderr.split('\n').pop()}` : ''}`);
  }
}

/** The uid and gid to run as: the postgres user's when root, else our own. */
async function owner(): Promise<{ uid: number; gid: number; asRoot: boolean }> {
  if (process.getuid?.() !== 0) return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, asRoot: false };
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()), asRoot: true };
}

export class LocalPostgres {
  private databases = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly port: number,
    readonly password: string,
    private readonly exited: Promise<number | null>,
  ) {}

  /** postgresql://aviary:<password>@127.0.0.1:<port>/<database> */
  uri(database = 'postgres'): string {
    return `postgresql://${POSTGRES_USER}:${this.password}@127.0.0.1:${this.port}/${database}`;
  }

  /** The certificate a client trusts (sslrootcert), when started with `tls`. */
  get certificate(): string {
    return join(this.dir, 'server.crt');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `tls`: also serve TLS, with a self-signed certificate for 127.0.0.1 (its file: `dir`/server.crt, for sslrootcert). */
  static async start(options: { tls?: boolean } = {}): Promise<LocalPostgres> {
    const bin = await postgresBin();
    const { uid, gid, asRoot } = await owner();
    const dir = await mkdtemp(join(tmpdir(), 'aviary-postgres-'));
    await chmod(dir, 0o700);
    if (asRoot) await chown(dir, uid, gid);
    const data = join(dir, 'data');
    const password = randomBytes(12).toString('hex');
    const pwfile = join(dir, 'pwfile');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (asRoot) await chown(pwfile, uid, gid);
    const as = { uid, gid };
    try {
      await run(join(bin, 'initdb'), ['-D', data, '-U', POSTGRES_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--no-sync', '--encoding=UTF8', '--locale=C.UTF-8'], {
        ...as,
        cwd: dir,
      });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      const stderr = (err as { stderr?: string }).stderr?.trim();
      throw new Error(`initdb failed in ${data}${stderr ? `: ${stderr.split('\n').pop()}` : ''}`);
    }
    const port = await freePort();
    const tls = options.tls ? await selfSignedCertificate(dir, as) : [];
    // A test cluster: durability traded for speed (nothing here must survive a crash of the machine).
    const settings = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'logging_collector=off', ...tls];
    const child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), ...settings], { ...as, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000);
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const server = new LocalPostgres(child, dir, port, password, exited);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const alive = await Promise.race([exited.then(() => false), new Promise<boolean>((done) => setTimeout(() => done(true), 100))]);
      if (!alive) {
        await rm(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL exited while starting: ${log.trim().split('\n').slice(-3).join(' | ')}`);
      }
      if (await server.accepts()) return server;
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s: ${log.trim().split('\n').slice(-3).join(' | ')}`);
      }
    }
  }

  private async accepts(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.uri() });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Runs one statement as the cluster's owner role, on `database` (default: postgres). */
  async query(statement: string, database = 'postgres'): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: this.uri(database) });
    await client.connect();
    try {
      return await client.query(statement);
    } finally {
      await client.end();
    }
  }

  /** A new empty database; its URI. */
  async createDatabase(name = `aviary_${process.pid}_${++this.databases}_${randomBytes(3).toString('hex')}`): Promise<string> {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`createDatabase: '${name}' is not a plain lower-case identifier`);
    await this.query(`create database ${name}`);
    return this.uri(name);
  }

  /** Stops the server (fast shutdown: open sessions are ended) and removes its folder. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGINT');
      const stopped = await Promise.race([this.exited.then(() => true), new Promise<boolean>((done) => setTimeout(() => done(false), 10_000))]);
      if (!stopped) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A self-signed certificate for 127.0.0.1 in `dir` (server.crt, server.key), and the settings serving it. */
async function selfSignedCertificate(dir: string, as: { uid: number; gid: number }): Promise<string[]> {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  // PostgreSQL refuses a key readable by others, or not owned by the server's user.
  await chmod(key, 0o600);
  await chown(key, as.uid, as.gid).catch(() => {});
  await chown(cert, as.uid, as.gid).catch(() => {});
  return ['-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`];
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
