/**
 * A local Apache Kafka: one KRaft node (broker and controller in one JVM) on free ports (or the
 * port asked), its log folder under the system's temporary folder (or the folder asked), stopped
 * by stop() (a temporary folder is removed then). For the tests, the live demo (`aviary demo
 * --live`) and `aviary kafka start`. The jars come from scripts/kafka-setup.sh (Maven Central,
 * cached outside the clone); Java 17+ runs it.
 *
 *   const kafka = await LocalKafka.start();   // kafka.bootstrap is "127.0.0.1:<port>"
 *   ...
 *   await kafka.stop();
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The project's root: this file is src/broker/kafka/ in the sources, dist/ once bundled. */
const REPO = [resolve(import.meta.dirname, '../../..'), resolve(import.meta.dirname, '..')].find((dir) => existsSync(join(dir, 'scripts/kafka-setup.sh'))) ?? resolve(import.meta.dirname, '../../..');
const READY_LINE = 'Kafka Server started';
const START_TIMEOUT_MS = 60_000;

/** The libs folder of the cached Kafka, fetched on first use. Rejects with the script's reason (no Java, no Maven). */
export async function kafkaLibs(): Promise<string> {
  try {
    const { stdout } = await run('bash', [join(REPO, 'scripts/kafka-setup.sh')], { maxBuffer: 1 << 20 });
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`scripts/kafka-setup.sh failed${stderr ? `: ${stderr.split('\n').pop()}` : ''}`);
  }
}

/**
 * A cluster id: 16 random bytes, base64url without padding (Kafka's Uuid). One starting with '-'
 * would read as an option to the storage tool (1 start in 64 failed so): Kafka's own Uuid
 * draws again in that case, and so does this.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export class LocalKafka {
  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly port: number,
    private readonly exited: Promise<number | null>,
    /** The SASL/SCRAM-SHA-512 listener's port, when started with `scram`. */
    readonly saslPort?: number,
  ) {}

  /** "127.0.0.1:<port>" of the SASL_PLAINTEXT listener (SCRAM-SHA-512, as Fink's livestream). */
  get saslBootstrap(): string {
    if (this.saslPort === undefined) throw new Error('this Kafka was started without scram');
    return `127.0.0.1:${this.saslPort}`;
  }

  /** "127.0.0.1:<port>", for bootstrap servers and kafka:// URIs. */
  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `scram`: also a SASL_PLAINTEXT listener taking SCRAM-SHA-512 with this one user. */
  /** `port`: the client port (default: a free one); `partitions`: of topics created on first use. */
  static async start(options: { port?: number; partitions?: number; scram?: { username: string; password: string } } = {}): Promise<LocalKafka> {
    const libs = await kafkaLibs();
    const dir = await mkdtemp(join(tmpdir(), 'aviary-kafka-'));
    const free = await freePorts(options.scram ? 3 : 2);
    const [port, controllerPort, saslPort] = options.port === undefined ? free : [options.port, free[0]!, free[1]];
    const properties = join(dir, 'server.properties');
    await writeFile(properties, serverProperties(port, controllerPort, join(dir, 'data'), options.partitions ?? 1, options.scram ? saslPort : undefined));
    await writeFile(join(dir, 'log4j2.properties'), LOG4J2);
    const classpath = `${libs}/*`;
    const clusterId = newClusterId();
    const users = options.scram ? ['--add-scram', `SCRAM-SHA-512=[name=${options.scram.username},password=${options.scram.password}]`] : [];
    await run('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties, ...users], { maxBuffer: 1 << 22 });
    const log = createWriteStream(join(dir, 'kafka.log'));
    const child = spawn('java', ['-Xmx512m', '-XX:+UseSerialGC', `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`, '-cp', classpath, 'kafka.Kafka', properties], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    let output = '';
    const ready = new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`Kafka did not start within ${START_TIMEOUT_MS / 1000} s (log: ${join(dir, 'kafka.log')})`)), START_TIMEOUT_MS);
      const watch = (chunk: Buffer) => {
        log.write(chunk);
        output = (output + chunk.toString()).slice(-4000);
        if (output.includes(READY_LINE)) (clearTimeout(timer), resolveReady());
      };
      child.stdout!.on('data', watch);
      child.stderr!.on('data', watch);
      void exited.then((code) => (clearTimeout(timer), reject(new Error(`Kafka exited (${code}) before it started: ${output.trim().split('\n').slice(-5).join(' | ')}`))));
    });
    const broker = new LocalKafka(child, dir, port, exited, options.scram ? saslPort : undefined);
    try {
      await ready;
    } catch (err) {
      await broker.stop();
      throw err;
    }
    return broker;
  }

  /** Ends the JVM (SIGTERM, then SIGKILL after 10 s) and removes its folder. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

function serverProperties(port: number, controllerPort: number, data: string, partitions: number, saslPort?: number): string {
  const sasl = saslPort === undefined ? '' : `,SASL_PLAINTEXT://127.0.0.1:${saslPort}`;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${sasl}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}${sasl}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    ...(saslPort === undefined
      ? []
      : ['sasl.enabled.mechanisms=SCRAM-SHA-512', 'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;']),
    `log.dirs=${data}`,
    `num.partitions=${partitions}`,
    // One node: every internal topic with one replica, and no wait before a group's first rebalance.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Alerts carry their cutouts (ZTF ~60 KB, Rubin up to MBs): record batches larger than the 1 MB default.
    'message.max.bytes=16777216',
    '',
  ].join('\n');
}

/** Warnings and up, and the line that says the server started. */
const LOG4J2 = `status = error
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = out
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = info
`;

/** Ports handed out by this process: two brokers started at once never get the same one. */
const handedOut = new Set<number>();

/** `n` distinct free ports, each held open until all are found. */
async function freePorts(n: number): Promise<number[]> {
  const servers: ReturnType<typeof createServer>[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const server = createServer();
      servers.push(server);
      const port = await new Promise<number>((resolvePort, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolvePort((server.address() as { port: number }).port));
      });
      if (!handedOut.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  }
  for (const port of ports) handedOut.add(port);
  return ports;
}

/**
 * The API keys the broker at `bootstrap` supports, from Kafka's ApiVersions request (version 0:
 * the one every broker answers), written by hand so that the harness needs no client library.
 */
export async function apiVersions(bootstrap: string): Promise<{ errorCode: number; apiKeys: number[] }> {
  const [host, port] = bootstrap.split(':');
  const clientId = Buffer.from('aviary-tests');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0); // ApiVersions
  body.writeInt16BE(0, 2); // version 0
  body.writeInt32BE(7, 4); // correlation id
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  const socket = new Socket();
  const answer = await new Promise<Buffer>((resolveAnswer, reject) => {
    let received = Buffer.alloc(0);
    socket.once('error', reject);
    socket.setTimeout(5000, () => (socket.destroy(), reject(new Error(`no ApiVersions answer from ${bootstrap}`))));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) resolveAnswer(received.subarray(4, 4 + received.readInt32BE(0)));
    });
    socket.connect(Number(port), host!, () => socket.write(Buffer.concat([size, body])));
  }).finally(() => socket.destroy());
  if (answer.readInt32BE(0) !== 7) throw new Error('ApiVersions answered another correlation id');
  const errorCode = answer.readInt16BE(4);
  const count = answer.readInt32BE(6);
  const apiKeys = Array.from({ length: Math.max(0, count) }, (_, i) => answer.readInt16BE(10 + i * 6));
  return { errorCode, apiKeys };
}
