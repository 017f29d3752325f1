/** A 200 answer written as exact JSON: 64-bit ids (BigInt) as unquoted digits, which JSON.stringify cannot write. */
import type { ServerResponse } from 'node:http';
import { toExactJson } from '../../common/exact-json.js';
import { RESPONDED } from '../router.js';

export function sendExact(res: ServerResponse, body: unknown): typeof RESPONDED {
  const text = toExactJson(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
  return RESPONDED;
}
