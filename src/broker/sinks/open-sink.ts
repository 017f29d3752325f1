/** The sink of a filter, by its format: JSON lines or Avro files, or a Kafka topic. */
import type { FilterConfig } from '../config/broker-config.js';
import type { AlertSink } from './alert-sink.js';
import { AvroAlertSink } from './avro-alert-sink.js';
import { JsonLinesAlertSink } from './json-lines-alert-sink.js';
import { KafkaAlertSink } from './kafka/kafka-alert-sink.js';

export async function openSink(filter: FilterConfig): Promise<AlertSink> {
  switch (filter.format) {
    case 'jsonl':
      return JsonLinesAlertSink.open(filter);
    case 'avro':
      return new AvroAlertSink(filter);
    case 'fink':
    case 'container':
    case 'confluent':
      return KafkaAlertSink.forFilter({ ...filter, format: filter.format });
    default:
      throw new Error(`filter "${filter.name}": unknown output format "${String(filter.format)}" (known: jsonl, avro, fink, container, confluent)`);
  }
}
