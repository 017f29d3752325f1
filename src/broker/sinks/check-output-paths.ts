/**
 * Every filter's output checked before a run loads a model or reads an alert: its folder exists
 * or can be made, and a file can be created there; a Kafka output's cluster answers and its
 * topic can be written. A run that could not write its outputs would otherwise fail (or, before,
 * hang) only after storing alerts.
 */
import { open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KAFKA_SINK_FORMATS, type FilterConfig, type KafkaSinkFormat, type SinkFormat } from '../config/broker-config.js';
import { makeFolders } from '../../common/make-folders.js';
import { KafkaAlertSink } from './kafka/kafka-alert-sink.js';
import { OutputFile } from './output-file.js';

export async function checkOutputPaths(filters: readonly FilterConfig[]): Promise<void> {
  for (const filter of filters) {
    if (isKafkaFormat(filter.format)) {
      // The cluster is reached and the topic made writable now; the run connects again once its modules are loaded.
      await (await KafkaAlertSink.forFilter({ ...filter, format: filter.format })).close();
      continue;
    }
    try {
      await checkOutputPath(filter.output);
    } catch (err) {
      throw new Error(`filter ${filter.name}: cannot write its output ${filter.output}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function checkOutputPath(output: string): Promise<void> {
  await makeFolders(dirname(output));
  const existing = await stat(output).catch(() => undefined);
  if (existing?.isDirectory()) throw new Error('a folder of that name exists');
  // The probe is the file the sink writes first; it is removed at once (the sink creates it again).
  const probe = new OutputFile(output).partial;
  const handle = await open(probe, 'w').catch((err: NodeJS.ErrnoException) => {
    throw new Error(err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS' ? `no permission to create files in ${dirname(output)}` : err.message);
  });
  await handle.close();
  await rm(probe, { force: true });
}

function isKafkaFormat(format: SinkFormat): format is KafkaSinkFormat {
  return (KAFKA_SINK_FORMATS as readonly string[]).includes(format);
}
