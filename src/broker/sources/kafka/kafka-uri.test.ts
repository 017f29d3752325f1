import { describe, expect, it } from 'vitest';
import { isKafkaUri, parseKafkaUri } from './kafka-uri.js';

describe('parseKafkaUri', () => {
  it('reads servers, topics, group and start, with defaults', () => {
    expect(parseKafkaUri('kafka://127.0.0.1:9092/ztf')).toEqual({ servers: ['127.0.0.1:9092'], topics: ['ztf'], group: 'aviary', start: 'earliest' });
    expect(parseKafkaUri('kafka://a:1,b.example:9093/ztf_public,lsst.alerts?group=snia-night&start=latest')).toEqual({
      servers: ['a:1', 'b.example:9093'],
      topics: ['ztf_public', 'lsst.alerts'],
      group: 'snia-night',
      start: 'latest',
    });
    expect(isKafkaUri('KAFKA://x:1/t')).toBe(true);
    expect(isKafkaUri('/data/ztf')).toBe(false);
  });

  it('says what is wrong', () => {
    for (const [uri, why] of [
      ['kafka://:9092/t', 'is not host:port'],
      ['kafka://host/t', 'is not host:port'],
      ['kafka://host:99999/t', 'is not host:port'],
      ['kafka://host:9092/', 'no topic'],
      ['kafka://host:9092', 'not a Kafka address'],
      ['kafka://host:9092/bad topic', 'is not a Kafka topic name'],
      ['kafka://host:9092/t?start=middle', 'start=middle'],
      ['kafka://host:9092/t?groups=x', 'unknown parameter "groups"'],
      ['kafka://host:9092/t?group=', 'an empty group'],
    ] as const) {
      expect(() => parseKafkaUri(uri), uri).toThrow(why);
    }
  });
});
