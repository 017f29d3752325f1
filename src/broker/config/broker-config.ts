/**
 * The broker config (YAML) as loaded: science modules, filters and their outputs, the store.
 * load-broker-config.ts reads and checks it; an error names the file, the line and the key.
 *
 *   modules:
 *     - name: snia                      # unique; also the prefix of nothing: outputs are named below
 *       model: models:/snia@champion    # or a local MLflow model folder (relative to the config file)
 *       outputs: [snia_score]           # names for the model's outputs, in order; or a mapping
 *                                       #   {snia_score: prediction_1} from output name to model output
 *       inputs: [magpsf, candidate.sigmapsf, {real: drb}]
 *                                       # alert fields fed to a model that has no preprocessing step, each
 *                                       #   as the column named by its last part (sigmapsf), or {column: field};
 *                                       #   default: its signature's names
 *       reads: [asteroids]              # earlier modules whose outputs it reads (runs after them)
 *       preprocessing: ./pre            # optional folder with preprocessing.py (default: the source run's)
 *       batch_size: 500                 # alerts per call (default: the broker's batch_size; at most 10000)
 *       timeout: 60s                    # per batch in a worker (default 60s; at most 1h)
 *       workers: 1                      # Python worker processes (default 1; at most 32)
 *       network: false                  # let its workers reach the network (default: the model sandbox gives none)
 *       shadow: [challenger]            # aliases of the same registered model that score every alert too,
 *                                       #   stored apart: filters read them only as snia@challenger.snia_score
 *       labels: {file: night/_labels.jsonl, positive: snia}
 *                                       # the truth for the comparison: a labels file as `aviary simulate`
 *                                       #   writes, or {field: is_snia, positive: true} (an alert field)
 *   filters:
 *     - name: early_snia
 *       expression: snia_score > 0.7 and drb > 0.5 and ndethist <= 20
 *       output: out/early_snia.jsonl    # .jsonl or .avro (format from the extension, or `format:`),
 *                                       #   or a Kafka topic kafka://host:port/topic
 *       format: fink                    # Kafka: fink (schema in the key; default) | container | confluent
 *       schema_registry: http://...:8081  # format confluent: a registry URL or a folder of <id>.avsc
 *       security: {...}                 # Kafka: SASL / TLS (read-kafka-security.ts)
 *   source: {servers: ..., topics: [...]} # a Kafka stream to read when --source is not given (read-source-config.ts)
 *   max_batch_wait: 500ms               # a batch goes once its first alert waited this long (default 500ms; 0 = full batches only)
 *   batch_size: 1000                    # alerts per pipeline batch (default 1000; at most 10000)
 *   follow_registry: 5s                 # how often aliases are checked for a move (default 5s; 0 = never)
 */

import type { KafkaSecurity } from '../kafka/kafka-connection.js';
import type { KafkaSourceAddress } from '../sources/kafka/kafka-uri.js';
import type { ConfigPosition } from './config-reader.js';

/** One model input column and the alert field (flat-dict name or dotted path) it is filled from. */
export interface ModuleInput {
  readonly column: string;
  readonly field: string;
}

/** Where a module's outputs and inputs were written, for errors found once its model is loaded. */
export interface ModulePositions {
  readonly outputs: ConfigPosition;
  /** Per output: the list item, or the mapping's value (the model output it names). */
  readonly outputItems: readonly ConfigPosition[];
  readonly inputs?: ConfigPosition;
  readonly inputItems: readonly ConfigPosition[];
}

export interface ModuleConfig {
  readonly name: string;
  /** `models:/name@alias`, `models:/name/3`, `runs:/...`, or an absolute folder. */
  readonly model: string;
  /** Output column names in the model's output order, or from a name to the model's output. */
  readonly outputs: readonly string[] | Readonly<Record<string, string>>;
  readonly inputs?: readonly ModuleInput[];
  readonly reads: readonly string[];
  /** Absolute folder. */
  readonly preprocessing?: string;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly workers: number;
  /** Its Python workers may reach the network (default false: the model sandbox gives them none). */
  readonly network?: boolean;
  /** Aliases of the module's registered model scored as shadows (default none). */
  readonly shadow?: readonly string[];
  /** Where the comparison finds the truth of an alert (default: none, no label metrics). */
  readonly labels?: LabelSource;
  /** Absent for a config built in code. */
  readonly at?: ModulePositions;
}

/**
 * The truth for a module's comparison: a labels file as `aviary simulate` writes (one JSON line an
 * alert: its ids and `class`), or an alert field. An alert is positive when its class (or the
 * field's value, compared as text) equals `positive`.
 */
export type LabelSource =
  | { readonly file: string; readonly positive: string }
  | { readonly field: string; readonly positive: string };

export type FileSinkFormat = 'jsonl' | 'avro';
export type KafkaSinkFormat = 'fink' | 'container' | 'confluent';
export type SinkFormat = FileSinkFormat | KafkaSinkFormat;
export const KAFKA_SINK_FORMATS: readonly KafkaSinkFormat[] = ['fink', 'container', 'confluent'];

export interface FilterConfig {
  readonly name: string;
  readonly expression: string;
  /** Absolute path, or a Kafka topic `kafka://host:port/topic`. */
  readonly output: string;
  readonly format: SinkFormat;
  /** Write the cutouts into the output (default: true for Avro and Kafka, false for JSON lines). */
  readonly cutouts: boolean;
  /** A Kafka output's security (default: none). */
  readonly security?: KafkaSecurity;
  /** `format: confluent`: a schema registry URL, or a folder (absolute) of `<id>.avsc` files. */
  readonly schemaRegistry?: string;
}

/** The `source:` block: a Kafka stream (read-source-config.ts), and how its messages' schemas are found. */
export interface KafkaSourceConfig extends KafkaSourceAddress {
  /** A registry URL or an absolute folder. */
  readonly schemaRegistry?: string;
  /** Absolute path of the writer schema of schemaless messages without one in their key. */
  readonly schemaFile?: string;
}

export interface BrokerConfig {
  /** The config file (absolute), for messages and the run's status. */
  readonly file: string;
  /** What the run reads when the command line names no source. */
  readonly source?: KafkaSourceConfig;
  readonly modules: readonly ModuleConfig[];
  readonly filters: readonly FilterConfig[];
  readonly batchSize: number;
  /** On a live stream, a batch goes once its first alert has waited this long, full or not; 0: only full batches. Files always fill batches. */
  readonly maxBatchWaitMs?: number;
  /** 0: never. */
  readonly followRegistryMs: number;
}
