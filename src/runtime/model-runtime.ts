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
}

/** Model outputs: one entry per output name (a single unnamed output is called "prediction"), each with one value per row. */
export interface Predictions {
  readonly names: readonly string[];
  readonly data: readonly Column[];
}

export interface ModelRuntime {
  /** What runs: "python-worker" or "onnx", plus the model's URI or folder. */
  readonly description: string;
  predict(batch: Batch): Promise<Predictions>;
  /** Stops workers and frees sessions; pending predictions fail with a clear error. */
  close(): Promise<void>;
}
