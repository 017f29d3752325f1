/** Identifiers as MLflow makes them: run ids are 32 hex digits, logged model ids `m-` + 32 hex digits. */
import { randomInt, randomUUID } from 'node:crypto';

/**
 * The largest id an INTEGER column holds on PostgreSQL (32 bits; SQLite's hold more, but no id
 * ever gets that far): a larger experiment id or version number names nothing, and is never
 * sent to the database, which would refuse it.
 */
export const MAX_INTEGER_ID = 2 ** 31 - 1;

export const newRunId = (): string => randomUUID().replaceAll('-', '');
export const newLoggedModelId = (): string => `m-${newRunId()}`;
export const newDatasetId = (): string => newRunId();

const ADJECTIVES = ['amber', 'bright', 'calm', 'dusty', 'faint', 'glowing', 'hazy', 'icy', 'lucid', 'nimble',
  'polar', 'quiet', 'rapid', 'silent', 'stellar', 'swift', 'tidal', 'vivid', 'wandering', 'zenithal'];
const NOUNS = ['comet', 'nova', 'pulsar', 'quasar', 'nebula', 'meteor', 'magnetar', 'blazar', 'galaxy', 'kilonova',
  'lens', 'flare', 'transit', 'binary', 'cepheid', 'dwarf', 'giant', 'cluster', 'aurora', 'orbit'];

/** A readable default name for a run or logged model, such as `polar-quasar-417`. */
export function randomName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
