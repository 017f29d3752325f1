/**
 * How the broker connects to a Kafka cluster, for its sources and its sinks alike: the
 * bootstrap servers and the security Rubin's and Fink's brokers use. Fink's livestream takes
 * SASL/SCRAM-SHA-512 in plain text (what fink-client sets: `sasl_plaintext`); Rubin's takes
 * SCRAM over TLS (`sasl_ssl`). A local Kafka needs none. A password is read from the
 * environment variable a config names (`password_env`), so that it stays out of files and logs.
 */
import { readFileSync } from 'node:fs';

export type KafkaSecurityProtocol = 'plaintext' | 'ssl' | 'sasl_plaintext' | 'sasl_ssl';
export type KafkaSaslMechanism = 'SCRAM-SHA-512' | 'SCRAM-SHA-256' | 'PLAIN';

export const SECURITY_PROTOCOLS: readonly KafkaSecurityProtocol[] = ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'];
export const SASL_MECHANISMS: readonly KafkaSaslMechanism[] = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'];

export interface KafkaSecurity {
  readonly protocol: KafkaSecurityProtocol;
  readonly mechanism?: KafkaSaslMechanism;
  readonly username?: string;
  /** The environment variable holding the password, read when connecting. */
  readonly passwordEnv?: string;
  /** A PEM file of the certificate authorities to trust over TLS (default: the system's). */
  readonly caFile?: string;
}

export interface KafkaConnection {
  readonly servers: readonly string[];
  readonly security?: KafkaSecurity;
}

/** The options of @platformatic/kafka's clients for a connection. */
export interface KafkaClientOptions {
  readonly clientId: string;
  readonly bootstrapBrokers: string[];
  readonly sasl?: { mechanism: KafkaSaslMechanism; username: string; password: () => string };
  readonly tls?: { ca?: string };
}

/** A `kafka://servers/path?query` text split, its servers checked; `fail` makes the error of what is wrong. */
export function splitKafkaUri(text: string, fail: (why: string) => Error): { servers: string[]; path: string; query: string | undefined } {
  const match = /^kafka:\/\/([^/?#]*)\/([^?#]*)(?:\?([^#]*))?$/i.exec(text);
  if (!match) throw fail('not a Kafka address');
  try {
    return { servers: parseServers(match[1]!), path: decodeURIComponent(match[2]!), query: match[3] };
  } catch (err) {
    throw fail((err as Error).message);
  }
}

/** `host:port[,host:port...]`, each checked; throws with what is wrong. */
export function parseServers(text: string): string[] {
  const servers = text.split(',').filter((s) => s !== '');
  if (servers.length === 0) throw new Error('no bootstrap server');
  for (const server of servers) {
    const port = /:(\d+)$/.exec(server)?.[1];
    if (!port || Number(port) < 1 || Number(port) > 65535 || server.length === port.length + 1) throw new Error(`bootstrap server "${server}" is not host:port`);
  }
  return servers;
}

export function isTopicName(name: string): boolean {
  return /^[A-Za-z0-9._-]{1,249}$/.test(name);
}

/** Client options; a missing password variable or CA file is an error naming it. */
export function clientOptions(connection: KafkaConnection, env: NodeJS.ProcessEnv = process.env): KafkaClientOptions {
  const base = { clientId: 'aviary', bootstrapBrokers: [...connection.servers] };
  const security = connection.security;
  if (!security || security.protocol === 'plaintext') return base;
  const tls = security.protocol === 'ssl' || security.protocol === 'sasl_ssl' ? { ...(security.caFile ? { ca: readCa(security.caFile) } : {}) } : undefined;
  if (security.protocol === 'ssl') return { ...base, tls: tls! };
  const { mechanism = 'SCRAM-SHA-512', username, passwordEnv } = security;
  if (!username) throw new Error(`Kafka security ${security.protocol}: a username is needed`);
  if (!passwordEnv) throw new Error(`Kafka security ${security.protocol}: name the environment variable holding the password (password_env)`);
  if (env[passwordEnv] === undefined) throw new Error(`Kafka security ${security.protocol}: the environment variable ${passwordEnv} (the password of ${username}) is not set`);
  const sasl = { mechanism, username, password: () => env[passwordEnv] ?? '' };
  return { ...base, sasl, ...(tls ? { tls } : {}) };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`Kafka security: cannot read the CA file ${file}: ${(err as Error).message}`);
  }
}

/** The servers, for messages: never the credentials. */
export function describeConnection(connection: KafkaConnection): string {
  const how = connection.security && connection.security.protocol !== 'plaintext' ? ` (${connection.security.protocol}${connection.security.username ? `, user ${connection.security.username}` : ''})` : '';
  return `${connection.servers.join(',')}${how}`;
}
