/**
 * A model folder as MLflow writes it, typed from its `MLmodel` file. Only what Aviary uses is
 * typed; every flavor's full configuration stays available in `flavors`.
 */

export type FlavorConfig = Readonly<Record<string, unknown>>;

export interface MlModel {
  /** Absolute path of the model folder. */
  readonly dir: string;
  readonly flavors: Readonly<Record<string, FlavorConfig>>;
  readonly pythonFunction?: PythonFunctionFlavor;
  readonly onnx?: OnnxFlavor;
  readonly signature?: ModelSignature;
  readonly inputExample?: InputExampleInfo;
  readonly modelId?: string;
  readonly runId?: string;
  readonly artifactPath?: string;
  readonly mlflowVersion?: string;
  readonly modelUuid?: string;
  /** `utc_time_created` as written, e.g. "2026-11-26 13:02:15.383592". */
  readonly utcTimeCreated?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface PythonFunctionFlavor {
  readonly loaderModule: string;
  /** The Python the model was saved with, e.g. "3.11.7". */
  readonly pythonVersion?: string;
  /**
   * Environment file names relative to the model folder. MLflow >= 2.0 writes both; older
   * models name only a conda file.
   */
  readonly env: { readonly virtualenv?: string; readonly conda?: string };
  /** `model_path` or `data`: the flavor's own files, relative to the model folder. */
  readonly data?: string;
  readonly code?: string;
}

/** An execution provider by name, or with options (MLflow allows `[name, {options}]`). */
export interface OnnxProvider {
  readonly name: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface OnnxFlavor {
  /** The .onnx file, relative to the model folder. */
  readonly data: string;
  readonly onnxVersion?: string;
  /** Absent: MLflow's default (CUDA, then CPU). */
  readonly providers?: readonly OnnxProvider[];
  readonly sessionOptions?: Readonly<Record<string, unknown>>;
}

export interface ModelSignature {
  readonly inputs?: Schema;
  readonly outputs?: Schema;
  readonly params?: readonly ParamSpec[];
}

/** MLflow's schema is either named columns or tensors, never both. */
export type Schema =
  | { readonly kind: 'columns'; readonly columns: readonly ColumnSpec[] }
  | { readonly kind: 'tensors'; readonly tensors: readonly TensorSpec[] };

export interface ColumnSpec {
  readonly name?: string;
  /** "double", "float", "long", "integer", "boolean", "string", "binary", "datetime", or "array"/"object"/"map"/"any". */
  readonly type: string;
  readonly required: boolean;
  /** The spec as written (array items, object properties...). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface TensorSpec {
  readonly name?: string;
  /** A numpy dtype name, e.g. "float32". */
  readonly dtype: string;
  /** -1 marks a variable dimension (usually the batch). */
  readonly shape: readonly number[];
}

export interface ParamSpec {
  readonly name: string;
  readonly type: string;
  readonly default: unknown;
  readonly shape?: readonly number[];
}

export interface InputExampleInfo {
  /** The example file, relative to the model folder. */
  readonly artifactPath: string;
  /** "dataframe", "ndarray", "json_object", ... */
  readonly type: string;
  readonly servingInputPath?: string;
  readonly pandasOrient?: string;
}
