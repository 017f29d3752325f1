/**
 * The broker config (YAML) as loaded: science modules, filters and their outputs, the store.
 * load-broker-config.ts reads and checks it; an error names the file, the line and the key.
 *
 *   modules:
 *     - name: snia                      # unique; also the prefix of nothing: outputs are named below
 *       model: models:/snia@champion    # or a local MLflow model folder (relative to the config file)
 *       outputs: [snia_score]           # names for the model's outputs, in order; or a mapping
 *                                       #   {snia_score: prediction_1} from output name to model output
 *       inputs: [magpsf, sigmapsf]      # alert fields (flat-dict names, dotted paths) fed to a model
 *                                       #   that has no preprocessing step; default: its signature's names
 *       reads: [asteroids]              # earlier modules whose outputs it reads (runs after them)
 *       preprocessing: ./pre            # optional folder with preprocessing.py (default: the source run's)
 *       batch_size: 500                 # alerts per call (default: the broker's batch_size)
 *       timeout: 60s                    # per batch in a worker (default 60s)
 *       workers: 1                      # Python worker processes (default 1)
 *   filters:
 *     - name: early_snia
 *       expression: snia_score > 0.7 and drb > 0.5 and ndethist <= 20
 *       output: out/early_snia.jsonl    # .jsonl or .avro (format from the extension, or `format:`)
 *   batch_size: 1000                    # alerts per pipeline batch (default 1000)
 *   follow_registry: 5s                 # how often aliases are checked for a move (default 5s; 0 = never)
 */

export interface ModuleConfig {
  readonly name: string;
  /** `models:/name@alias`, `models:/name/3`, `runs:/...`, or an absolute folder. */
  readonly model: string;
  /** Output column names in the model's output order, or from a name to the model's output. */
  readonly outputs: readonly string[] | Readonly<Record<string, string>>;
  readonly inputs?: readonly string[];
  readonly reads: readonly string[];
  /** Absolute folder. */
  readonly preprocessing?: string;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly workers: number;
}

export type SinkFormat = 'jsonl' | 'avro';

export interface FilterConfig {
  readonly name: string;
  readonly expression: string;
  /** Absolute path. */
  readonly output: string;
  readonly format: SinkFormat;
  /** Write the cutouts into the output (default: true for Avro, false for JSON lines). */
  readonly cutouts: boolean;
}

export interface BrokerConfig {
  /** The config file (absolute), for messages and the run's status. */
  readonly file: string;
  readonly modules: readonly ModuleConfig[];
  readonly filters: readonly FilterConfig[];
  readonly batchSize: number;
  /** 0: never. */
  readonly followRegistryMs: number;
}
