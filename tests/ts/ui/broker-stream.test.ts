/**
 * The broker page of a run that read a real Kafka (src/broker/kafka/local-kafka.ts): the 561
 * real fink-topics-2023 alerts produced as ZTF's stream carries them (a container a message)
 * into 3 partitions, read by the broker with two ONNX modules; the page's Stream section shows
 * each partition's committed offset, end and lag, and the latency from the Kafka timestamp, as
 * the REST API has them, in Debian's Chromium.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINK_TOPICS } from '../../../src/broker/pipeline/pipeline-test-support.js';
import { KafkaAlertSource } from '../../../src/broker/sources/kafka/kafka-alert-source.js';
import { parseKafkaUri } from '../../../src/broker/sources/kafka/kafka-uri.js';
import type { BrokerRunStatus } from '../../../src/broker/store/alert-store.js';
import { LocalKafka } from '../../../src/broker/kafka/local-kafka.js';
import { fillWithBrokerRun } from './broker-fill.js';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { startUiServer, type UiServer } from './ui-server.js';

let kafka: LocalKafka;
let server: UiServer;
let browser: Browser;

beforeAll(async () => {
  [kafka, server, browser] = await Promise.all([LocalKafka.start(), startUiServer(), launchBrowser()]);
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap] });
  await admin.createTopics({ topics: ['ztf-night'], partitions: 3, replicas: 1 });
  await admin.close();
  const producer = new Producer({ clientId: 'test', bootstrapBrokers: [kafka.bootstrap] });
  const files = readdirSync(FINK_TOPICS).filter((f) => f.endsWith('.avro'));
  await producer.send({ messages: files.map((f) => ({ topic: 'ztf-night', key: Buffer.from(f), value: readFileSync(join(FINK_TOPICS, f)) })) });
  await producer.close();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await kafka?.stop();
});

describe('broker page of a Kafka run', () => {
  it('shows each partition committed to its end (lag 0) and the latency from the Kafka timestamp, as the API has them', { timeout: 180_000 }, async () => {
    const source = new KafkaAlertSource(parseKafkaUri(`kafka://${kafka.bootstrap}/ztf-night?group=ui`), { idleTimeoutMs: 6000 });
    const summary = await fillWithBrokerRun(server, { source, label: 'stream' });
    expect(summary.alertsRead).toBeGreaterThanOrEqual(561);
    const response = await fetch(`${server.url}/api/aviary/broker/runs`);
    const run = ((await response.json()) as { runs: BrokerRunStatus[] }).runs[0]!;
    expect(run.runId).toBe(summary.runId);
    const partitions = run.stream!.partitions;
    expect(partitions.map((p) => [p.partition, p.lag])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    expect(partitions.reduce((n, p) => n + Number(p.committedOffset), 0)).toBe(561);

    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/broker`);
    await page.locator('[data-testid=partition-row]').first().waitFor();
    const rows = await page.locator('[data-testid=partition-row]').evaluateAll((trs) =>
      trs.map((tr) => ['partition', 'committed', 'end', 'lag'].map((col) => tr.querySelector(`[data-col="${col}"]`)?.textContent ?? '')),
    );
    expect(rows).toEqual(partitions.map((p) => [String(p.partition), p.committedOffset, p.endOffset, '0']));
    expect(await page.getByTestId('stream-latency').textContent()).toMatch(/p50 [\d.,]+ ms, p99 [\d.,]+ ms over [\d,]+ alerts/);
    await screenshot(page, 'broker-stream');
    expect(errors).toEqual([]);
  });
});
