/**
 * The part of onnxruntime-node that Aviary uses, described structurally (as kysely does for
 * its drivers) so that the rest of the code neither imports its types nor loads its native
 * binding before an ONNX model is actually served.
 */

export type OrtTensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | readonly string[]
  | readonly boolean[];

export interface OrtTensor {
  /** "float32", "float64", "int64", "string", "bool", ... */
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: OrtTensorData;
}

export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  /** Numbers for fixed sizes, strings (possibly empty) for symbolic ones. */
  readonly shape?: readonly (number | string)[];
}

export interface OrtSessionOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly OrtValueMetadata[];
  readonly outputMetadata: readonly OrtValueMetadata[];
  /** Values come back as tensors; onnxruntime-node refuses to return non-tensor outputs. */
  run(feeds: Record<string, OrtTensor>, fetches: readonly string[]): Promise<Record<string, unknown>>;
  release(): Promise<void>;
}

export interface OrtModule {
  readonly InferenceSession: {
    create(model: Uint8Array, options?: OrtSessionOptions): Promise<OrtSession>;
  };
  readonly Tensor: new (type: string, data: OrtTensorData, dims: readonly number[]) => OrtTensor;
}

/** Loads onnxruntime-node (a CommonJS package with a native binding) on first use. */
export async function loadOnnxRuntimeNode(): Promise<OrtModule> {
  const module = (await import('onnxruntime-node')) as unknown as OrtModule & { default?: OrtModule };
  return module.default ?? module;
}
