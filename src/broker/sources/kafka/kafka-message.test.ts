/**
 * Kafka messages in each format the streams use, built from the real alerts of ../shared/data
 * exactly as the streams carry them: ZTF's one-alert container files as they are, Rubin's
 * alerts in Confluent wire format, Fink's schemaless Avro with the schema in the key (and
 * without, the schema configured), JSON. Each decodes to the same payload as the file reader
 * gives (64-bit ids exact). What cannot be read is one dead letter naming topic, partition and
 * offset. No Confluent schema registry can be installed here: a small HTTP server below answers
 * the registry's `GET /schemas/ids/{id}` (what Aviary asks of one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toExactJson } from '../../../common/exact-json.js';
import { describeOrigin, type AlertSourceItem, type RawAlertRecord } from '../alert-source.js';
import { alertTypeFor } from '../avro/avro-alert-type.js';
import { readAvroFile } from '../avro-alert-source.js';
import { messageFormat, readKafkaMessage, type KafkaMessage, type MessageFormats } from './kafka-message.js';
import { schemaLookup } from './schema-lookup.js';

const DATA = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const SERVERS = '127.0.0.1:9092';
const BIG_OFFSET = 2n ** 62n + 5n;

async function records(path: string, limit = 20): Promise<RawAlertRecord[]> {
  const out: RawAlertRecord[] = [];
  for (const file of readdirSync(path).filter((f) => f.endsWith('.avro')).sort()) {
    for await (const item of readAvroFile(join(path, file))) if (item.kind === 'alert') out.push(item);
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}

async function read(message: KafkaMessage, formats: MessageFormats = {}): Promise<AlertSourceItem[]> {
  const out: AlertSourceItem[] = [];
  for await (const item of readKafkaMessage(message, SERVERS, formats)) out.push(item);
  return out;
}

/** Payloads compared as exact JSON (bytes as base64): deep equality walks cutouts byte by byte. */
const same = (a: unknown, b: unknown) => expect(toExactJson(a)).toBe(toExactJson(b));
const message = (value: Buffer | null, key: Buffer | null = null, offset = BIG_OFFSET): KafkaMessage => ({ topic: 'alerts', partition: 3, offset, key, value });
const encode = (record: RawAlertRecord) => alertTypeFor(JSON.stringify(record.writerSchema)).type.toBuffer(record.payload);
const confluent = (id: number, body: Buffer) => Buffer.concat([Buffer.from([0, (id >>> 24) & 255, (id >>> 16) & 255, (id >>> 8) & 255, id & 255]), body]);

let folder: string;
let registry: Server;
let registryUrl: string;
const registryAsked: string[] = [];
let rubin: RawAlertRecord[];

beforeAll(async () => {
  rubin = await records(join(DATA, 'rubin/raw-v9_0'), 10);
  const schema = JSON.stringify(rubin[0]!.writerSchema);
  folder = await mkdtemp(join(tmpdir(), 'aviary-schemas-'));
  await writeFile(join(folder, '901.avsc'), schema);
  await writeFile(join(folder, '902.json'), JSON.stringify({ schema }));
  registry = createServer((req, res) => {
    registryAsked.push(req.url ?? '');
    const match = /^\/schemas\/ids\/(\d+)$/.exec(req.url ?? '');
    if (match?.[1] === '77') res.writeHead(200, { 'content-type': 'application/vnd.schemaregistry.v1+json' }).end(JSON.stringify({ schema }));
    else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error_code":40403,"message":"Schema not found"}');
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as { port: number }).port}`;
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await new Promise((resolve) => registry.close(resolve));
});

describe('readKafkaMessage', () => {
  it("reads ZTF's one-alert container files as messages, as the file reader does", async () => {
    const dir = join(DATA, 'ztf/ztf-avro-alert-samples');
    for (const file of readdirSync(dir)) {
      const fromFile = (await records(dir)).find((r) => r.origin.file === join(dir, file))!;
      const items = await read(message(readFileSync(join(dir, file))));
      expect(items.map((i) => i.kind)).toEqual(['alert']);
      const alert = items[0] as RawAlertRecord;
      same(alert.payload, fromFile.payload);
      expect(typeof alert.payload.candid).toBe('bigint');
      expect(alert.origin).toMatchObject({ file: `kafka://${SERVERS}/alerts`, kafka: { topic: 'alerts', partition: 3, offset: BIG_OFFSET.toString() } });
    }
  });

  it("reads Rubin's alerts in Confluent wire format, the schema from a folder or a registry", async () => {
    const sources: [number, MessageFormats][] = [
      [901, { schemas: schemaLookup(folder) }],
      [902, { schemas: schemaLookup(folder) }],
      [77, { schemas: schemaLookup(registryUrl) }],
    ];
    for (const [id, formats] of sources) {
      for (const record of rubin) {
        const m = message(confluent(id, encode(record)));
        expect(messageFormat(m, formats)).toBe('confluent');
        const [item] = await read(m, formats);
        expect(item!.kind, describeOrigin(item!.origin)).toBe('alert');
        same((item as RawAlertRecord).payload, record.payload);
        expect(typeof ((item as RawAlertRecord).payload.diaSource as { diaSourceId: unknown }).diaSourceId).toBe('bigint');
        expect((item as RawAlertRecord).schemaName).toBe(record.schemaName);
      }
    }
    expect(registryAsked).toEqual(['/schemas/ids/77']); // looked up once for every message
  });

  it("reads Fink's schemaless Avro with the schema in the key, or configured for keyless topics", async () => {
    const fink = await records(join(DATA, 'ztf/fink-topics-2023'), 15);
    for (const record of fink) {
      const schemaText = JSON.stringify(record.writerSchema);
      const withKey = message(encode(record), Buffer.from(schemaText));
      expect(messageFormat(withKey, {})).toBe('avro-schema-in-key');
      const keyless = message(encode(record));
      for (const [m, formats] of [[withKey, {}], [keyless, { schemaText }]] as const) {
        const [item] = await read(m, formats);
        expect(item!.kind).toBe('alert');
        same((item as RawAlertRecord).payload, record.payload);
      }
    }
  });

  it('reads a JSON alert with its 64-bit ids exact', async () => {
    const [item] = await read(message(Buffer.from(`  {"candid": 2481454725615015032, "objectId": "ZTF23abllsov", "candidate": {"magpsf": 18.5}}`)));
    expect(item).toMatchObject({ kind: 'alert', payload: { candid: 2481454725615015032n, objectId: 'ZTF23abllsov' }, origin: { format: 'json' } });
  });

  it('turns what cannot be read into one dead letter naming topic, partition and offset', async () => {
    const record = rubin[0]!;
    const body = encode(record);
    const cases: [KafkaMessage, MessageFormats, string][] = [
      [message(null), {}, 'an empty message'],
      [message(Buffer.from([0x12, 0x34, 0x56])), {}, 'no known format'],
      [message(confluent(404, body)), { schemas: schemaLookup(folder) }, 'schema id 404: no schema 404.avsc or 404.json'],
      [message(confluent(404, body)), { schemas: schemaLookup(registryUrl) }, 'answered 404'],
      [message(confluent(901, body)), {}, 'no schema registry or schema folder is configured'],
      [message(confluent(901, body.subarray(0, body.length - 100))), { schemas: schemaLookup(folder) }, 'does not decode with schema id 901'],
      [message(confluent(901, Buffer.concat([body, Buffer.from([1, 2])]))), { schemas: schemaLookup(folder) }, '2 bytes are left after the record'],
      [message(readFileSync(join(DATA, 'ztf/ztf-avro-alert-samples', readdirSync(join(DATA, 'ztf/ztf-avro-alert-samples'))[0]!)).subarray(0, 3000)), {}, 'truncated'],
      [message(Buffer.from('{"candid": 1,')), {}, 'unreadable JSON message'],
    ];
    for (const [m, formats, reason] of cases) {
      const items = await read(m, formats);
      expect(items.length, reason).toBe(1);
      expect(items[0]!.kind, reason).toBe('dead-letter');
      expect((items[0] as { reason: string }).reason, reason).toContain(reason);
      expect(describeOrigin(items[0]!.origin)).toContain(`kafka://${SERVERS}/alerts (topic alerts, partition 3, offset ${BIG_OFFSET}`);
    }
  });
});
