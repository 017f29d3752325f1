/**
 * A `security:` block of a Kafka source or output:
 *
 *   security:
 *     protocol: sasl_plaintext        # plaintext (default) | ssl | sasl_plaintext | sasl_ssl
 *     mechanism: SCRAM-SHA-512        # SCRAM-SHA-512 (default) | SCRAM-SHA-256 | PLAIN
 *     username: alice
 *     password_env: FINK_PASSWORD     # the environment variable holding the password
 *     ca_file: ./ca.pem               # TLS: certificate authorities to trust (default: the system's)
 *
 * A password is never written in the file: a config is shared and logged, an environment is not.
 */
import { resolve } from 'node:path';
import { SASL_MECHANISMS, SECURITY_PROTOCOLS, type KafkaSaslMechanism, type KafkaSecurity, type KafkaSecurityProtocol } from '../kafka/kafka-connection.js';
import type { ConfigReader, ConfigValue } from './config-reader.js';

const KEYS = ['protocol', 'mechanism', 'username', 'password_env', 'ca_file', 'password'];

export function readKafkaSecurity(reader: ConfigReader, value: ConfigValue, dir: string): KafkaSecurity {
  const entries = reader.mapping(value, KEYS);
  const password = entries.get('password');
  if (password) throw reader.error(password, 'a password is not written in the config: put it in an environment variable and name it with password_env');
  const protocol = entries.has('protocol') ? oneOf(reader, entries.get('protocol')!, SECURITY_PROTOCOLS) : 'plaintext';
  const sasl = protocol === 'sasl_plaintext' || protocol === 'sasl_ssl';
  const mechanism = entries.has('mechanism') ? oneOf(reader, entries.get('mechanism')!, SASL_MECHANISMS) : undefined;
  const username = entries.has('username') ? reader.string(entries.get('username')!) : undefined;
  const passwordEnv = entries.has('password_env') ? envName(reader, entries.get('password_env')!) : undefined;
  if (sasl && !username) throw reader.error({ key: `${value.key}.username`, node: null, parent: value.node }, `protocol ${protocol} needs a username`);
  if (sasl && !passwordEnv) throw reader.error({ key: `${value.key}.password_env`, node: null, parent: value.node }, `protocol ${protocol} needs password_env: the environment variable holding the password`);
  if (!sasl) {
    for (const key of ['mechanism', 'username', 'password_env']) if (entries.has(key)) throw reader.error(entries.get(key)!, `${key} is for SASL: set protocol: sasl_plaintext or sasl_ssl`);
  }
  if (entries.has('ca_file') && protocol !== 'ssl' && protocol !== 'sasl_ssl') throw reader.error(entries.get('ca_file')!, 'ca_file is for TLS: set protocol: ssl or sasl_ssl');
  const caFile = entries.has('ca_file') ? resolve(dir, reader.string(entries.get('ca_file')!)) : undefined;
  return {
    protocol,
    ...(sasl ? { mechanism: mechanism ?? 'SCRAM-SHA-512', username: username!, passwordEnv: passwordEnv! } : {}),
    ...(caFile ? { caFile } : {}),
  };
}

function oneOf<T extends KafkaSecurityProtocol | KafkaSaslMechanism>(reader: ConfigReader, value: ConfigValue, allowed: readonly T[]): T {
  const text = reader.string(value);
  const found = allowed.find((a) => a.toLowerCase() === text.toLowerCase());
  if (!found) throw reader.error(value, `expected one of ${allowed.join(', ')}, got '${text}'`);
  return found;
}

function envName(reader: ConfigReader, value: ConfigValue): string {
  const text = reader.string(value);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) throw reader.error(value, `expected the name of an environment variable, got '${text}'`);
  return text;
}
