/**
 * The `signature` block of an MLmodel file: `inputs` and `outputs` are JSON strings holding a
 * list of column specs (`{"type": "double", "name": "x", "required": true}`) or tensor specs
 * (`{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}`); `params` a list
 * of `{"name", "type", "default", "shape"}`.
 */
import type { ColumnSpec, ModelSignature, ParamSpec, Schema, TensorSpec } from './ml-model.js';
import { ModelFormatError } from './model-format-error.js';
import { isRecord } from './yaml-file.js';

export function parseSignature(file: string, value: unknown): ModelSignature | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new ModelFormatError(file, 'signature must be a mapping with inputs, outputs and params');
  const inputs = jsonList(file, 'signature.inputs', value.inputs);
  const outputs = jsonList(file, 'signature.outputs', value.outputs);
  const params = jsonList(file, 'signature.params', value.params);
  return {
    inputs: inputs && parseSchema(file, 'signature.inputs', inputs),
    outputs: outputs && parseSchema(file, 'signature.outputs', outputs),
    params: params?.map((p, i) => parseParam(file, `signature.params[${i}]`, p)),
  };
}

function jsonList(file: string, field: string, value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw new ModelFormatError(file, `${field} is not valid JSON (${(err as Error).message})`);
    }
  }
  if (!Array.isArray(parsed)) throw new ModelFormatError(file, `${field} must be a JSON list of specs`);
  return parsed;
}

function parseSchema(file: string, field: string, specs: unknown[]): Schema {
  const isTensor = (s: unknown) => isRecord(s) && s.type === 'tensor';
  if (specs.length > 0 && specs.every(isTensor)) {
    return { kind: 'tensors', tensors: specs.map((s, i) => parseTensor(file, `${field}[${i}]`, s as Record<string, unknown>)) };
  }
  if (specs.some(isTensor)) throw new ModelFormatError(file, `${field} mixes tensor and column specs`);
  return { kind: 'columns', columns: specs.map((s, i) => parseColumn(file, `${field}[${i}]`, s)) };
}

function parseTensor(file: string, field: string, spec: Record<string, unknown>): TensorSpec {
  const tensor = spec['tensor-spec'];
  if (!isRecord(tensor) || typeof tensor.dtype !== 'string') {
    throw new ModelFormatError(file, `${field} needs a "tensor-spec" with a dtype`);
  }
  const shape = tensor.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d))) {
    throw new ModelFormatError(file, `${field} needs a "tensor-spec" shape of whole numbers`);
  }
  return { ...nameOf(spec), dtype: tensor.dtype, shape: shape as number[] };
}

function parseColumn(file: string, field: string, spec: unknown): ColumnSpec {
  if (!isRecord(spec) || typeof spec.type !== 'string') {
    throw new ModelFormatError(file, `${field} must be a column spec with a "type", not ${JSON.stringify(spec)}`);
  }
  return { ...nameOf(spec), type: spec.type, required: spec.required !== false, raw: spec };
}

function parseParam(file: string, field: string, spec: unknown): ParamSpec {
  if (!isRecord(spec) || typeof spec.name !== 'string' || typeof spec.type !== 'string') {
    throw new ModelFormatError(file, `${field} must be a param spec with a "name" and a "type"`);
  }
  const shape = Array.isArray(spec.shape) ? (spec.shape as number[]) : undefined;
  return { name: spec.name, type: spec.type, default: spec.default ?? null, ...(shape ? { shape } : {}) };
}

function nameOf(spec: Record<string, unknown>): { name?: string } {
  return typeof spec.name === 'string' ? { name: spec.name } : {};
}
