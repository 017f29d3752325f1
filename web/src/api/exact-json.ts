/**
 * The alert API's JSON in the browser: integers beyond 2^53 (ZTF candid, Rubin diaSourceId)
 * arrive as unquoted digits, which JSON.parse would round. This is the server's own reader
 * (src/common/exact-json-parse.ts), so such integers become BigInt and stay exact.
 */
export { parseExactJson } from '../../../src/common/exact-json-parse.js';

/** An exact id as the UI keeps and shows it: its digits. */
export function idText(value: unknown): string {
  return typeof value === 'bigint' || typeof value === 'number' || typeof value === 'string' ? String(value) : '';
}
