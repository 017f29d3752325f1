/**
 * The model runtime boundary: a loaded model that scores batches. Python models run in
 * worker processes inside their own environment; ONNX models run in-process. Callers see
 * the same interface either way.
 */

/** A column of a batch: numbers travel as Float64Array (raw buffers on the wire), anything else as JSON values. */
export type Column = Float64Array | readonly (string | number | boolean | null)[];

/** A batch of rows, column-major: every column has `rows` entries. */
export interface Batch {
  readonly columns: readonly string[];
  readonly data: readonly Column[];
  readonly rows: number;
  /** MLflow's inference params (a scoring request's "params") for the whole batch; ONNX models ignore them. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * Model outputs: one entry per output name (a single unnamed output is called "prediction"),
 * each with one value per row. A 2-D output of k columns (predict_proba) becomes k entries
 * `<name>_0` ... `<name>_<k-1>`; for probabilities unzipped from an ONNX ZipMap, `<name>_<class>`.
 */
export interface Predictions {
  readonly names: readonly string[];
  readonly data: readonly Column[];
}

export interface ModelRuntime {
  /** What runs: "python-worker" or "onnx", plus the model's URI or folder. */
  readonly description: string;
  predict(batch: Batch): Promise<Predictions>;
  /** Worker processes restarted since it started (after a crash or a timeout); absent where the model runs in-process. */
  workerRestarts?(): number;
  /** Stops workers and frees sessions; pending predictions fail with a clear error. */
  close(): Promise<void>;
}
