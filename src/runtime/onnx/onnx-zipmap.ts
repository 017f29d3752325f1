/**
 * skl2onnx ends classifiers with a ZipMap by default: probabilities as a sequence of maps
 * {class: probability}, which onnxruntime-node cannot return ("Non tensor type is temporarily
 * not supported"). This rewrites the model's protobuf so that every ZipMap feeding a graph
 * output becomes an Identity, and the output the float tensor [rows, classes] it zipped, and
 * says which class each column is. Only those fields are decoded; everything else is copied.
 *
 * ONNX field numbers: ModelProto.graph 7; GraphProto.node 1, .output 12; NodeProto.input 1,
 * .output 2, .op_type 4, .attribute 5, .domain 7; AttributeProto.name 1, .ints 8, .strings 9;
 * ValueInfoProto.name 1, .type 2; TypeProto.tensor_type 1; TypeProto.Tensor.elem_type 1.
 */

interface Field {
  readonly no: number;
  readonly wire: number;
  /** The whole field (key included), to copy unchanged. */
  readonly raw: Uint8Array;
  /** A length-delimited field's content. */
  readonly body: Uint8Array;
  /** A varint field's value. */
  readonly varint: bigint;
}

export interface UnzippedModel {
  readonly model: Uint8Array;
  /** Per rewritten output: the class label of each probability column. */
  readonly classLabels: ReadonlyMap<string, readonly (string | number)[]>;
}

const FLOAT = 1n;
const text = new TextDecoder();
const utf8 = new TextEncoder();

export function unzipMapOutputs(model: Uint8Array): UnzippedModel {
  const classLabels = new Map<string, (string | number)[]>();
  const fields = readFields(model);
  const graph = fields.find((f) => f.no === 7 && f.wire === 2);
  if (!graph) return { model, classLabels };
  const graphFields = readFields(graph.body);
  const outputs = new Set(graphFields.filter((f) => f.no === 12).map((f) => nameOf(f.body)));
  const newGraph = graphFields.map((field) => {
    if (field.no !== 1 || field.wire !== 2) return field.raw;
    const node = readFields(field.body);
    if (stringOf(node, 4) !== 'ZipMap') return field.raw;
    const output = stringOf(node, 2);
    if (output === undefined || !outputs.has(output)) return field.raw;
    classLabels.set(output, labelsOf(node));
    const kept = node.filter((f) => f.no === 1 || f.no === 2 || f.no === 3 || f.no === 6).map((f) => f.raw);
    return lenField(1, concat([...kept, lenField(4, utf8.encode('Identity'))]));
  });
  if (classLabels.size === 0) return { model, classLabels };
  const rewritten = newGraph.map((raw, i) => {
    const field = graphFields[i]!;
    if (field.no !== 12 || !classLabels.has(nameOf(field.body))) return raw;
    const tensorType = lenField(1, varintField(1, FLOAT));
    return lenField(12, concat([lenField(1, utf8.encode(nameOf(field.body))), lenField(2, tensorType)]));
  });
  const newModel = fields.map((f) => (f === graph ? lenField(7, concat(rewritten)) : f.raw));
  return { model: concat(newModel), classLabels };
}

function labelsOf(node: Field[]): (string | number)[] {
  for (const attribute of node.filter((f) => f.no === 5)) {
    const parts = readFields(attribute.body);
    const name = stringOf(parts, 1);
    if (name === 'classlabels_strings') return parts.filter((p) => p.no === 9).map((p) => text.decode(p.body));
    if (name === 'classlabels_int64s') {
      return parts.filter((p) => p.no === 8).flatMap((p) => (p.wire === 0 ? [p.varint] : readPacked(p.body))).map((v) => Number(BigInt.asIntN(64, v)));
    }
  }
  return [];
}

const nameOf = (valueInfo: Uint8Array) => stringOf(readFields(valueInfo), 1) ?? '';

function stringOf(fields: Field[], no: number): string | undefined {
  const field = fields.find((f) => f.no === no && f.wire === 2);
  return field && text.decode(field.body);
}

function readFields(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const start = at;
    const [key, afterKey] = readVarint(buf, at);
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    let body = buf.subarray(0, 0);
    let varint = 0n;
    if (wire === 0) [varint, at] = readVarint(buf, afterKey);
    else if (wire === 1) at = afterKey + 8;
    else if (wire === 5) at = afterKey + 4;
    else if (wire === 2) {
      const [length, afterLength] = readVarint(buf, afterKey);
      at = afterLength + Number(length);
      body = buf.subarray(afterLength, at);
    } else throw new Error(`unsupported protobuf wire type ${wire} in the ONNX model`);
    if (at > buf.length) throw new Error('truncated protobuf in the ONNX model');
    fields.push({ no, wire, raw: buf.subarray(start, at), body, varint });
  }
  return fields;
}

function readPacked(buf: Uint8Array): bigint[] {
  const values: bigint[] = [];
  for (let at = 0; at < buf.length; ) {
    let value: bigint;
    [value, at] = readVarint(buf, at);
    values.push(value);
  }
  return values;
}

function readVarint(buf: Uint8Array, at: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (at >= buf.length) throw new Error('truncated protobuf varint in the ONNX model');
    const byte = buf[at++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [value, at];
  }
}

function varint(value: bigint): Uint8Array {
  const bytes: number[] = [];
  do {
    const low = Number(value & 0x7fn);
    value >>= 7n;
    bytes.push(value > 0n ? low | 0x80 : low);
  } while (value > 0n);
  return Uint8Array.from(bytes);
}

const varintField = (no: number, value: bigint) => concat([varint(BigInt(no << 3)), varint(value)]);
const lenField = (no: number, body: Uint8Array) => concat([varint(BigInt((no << 3) | 2)), varint(BigInt(body.length)), body]);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
