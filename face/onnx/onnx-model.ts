import { ProtoWriter } from './protobuf';

// The subset of ONNX's ModelProto (onnx/onnx.proto, IR version 8) a converted feed-forward CNN needs:
// float tensors, int64 shape tensors, nodes with int / ints / float attributes. Field numbers are onnx.proto's.

export type OnnxAttribute = { kind: 'int'; value: number } | { kind: 'ints'; value: readonly number[] } | { kind: 'float'; value: number } | { kind: 'string'; value: string };

export interface OnnxNode {
  op: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Record<string, OnnxAttribute>;
}

export type OnnxTensor =
  | { name: string; type: 'float32'; dims: readonly number[]; data: Float32Array }
  | { name: string; type: 'int64'; dims: readonly number[]; data: readonly number[] };

export interface OnnxValue {
  name: string;
  /** Fixed dimensions; a string is a symbolic dimension (e.g. the batch). */
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
}

const IR_VERSION = 8;
export const OPSET = 13;
const FLOAT = 1;
const INT64 = 7;
const ATTR = { float: 1, int: 2, string: 3, ints: 7 } as const;

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type === 'float32' ? FLOAT : INT64);
  w.string(8, t.name);
  if (t.type === 'float32') {
    // raw_data is little-endian, which is every platform onnxruntime-node ships for.
    w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  } else {
    const raw = new BigInt64Array(t.data.map((v) => BigInt(v)));
    w.bytes(9, new Uint8Array(raw.buffer));
  }
}

function writeValue(w: ProtoWriter, v: OnnxValue): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttribute): void {
  w.string(1, name);
  switch (a.kind) {
    case 'int':
      w.int(3, a.value);
      break;
    case 'ints':
      for (const v of a.value) w.int(8, v);
      break;
    case 'float':
      w.float(2, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
  }
  w.int(20, ATTR[a.kind]);
}

/** Serialise a graph as an ONNX ModelProto (default domain, opset OPSET). */
export function encodeOnnxModel(graph: OnnxGraph, producer: { name: string; version: string; doc?: string }): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, producer.name);
  w.string(3, producer.version);
  if (producer.doc) w.string(6, producer.doc);
  w.message(7, (g) => {
    for (const n of graph.nodes) {
      g.message(1, (node) => {
        for (const i of n.inputs) node.string(1, i);
        for (const o of n.outputs) node.string(2, o);
        node.string(3, n.name);
        node.string(4, n.op);
        for (const [k, a] of Object.entries(n.attributes ?? {})) node.message(5, (attr) => writeAttribute(attr, k, a));
      });
    }
    g.string(2, graph.name);
    for (const t of graph.initializers) g.message(5, (m) => writeTensor(m, t));
    for (const v of graph.inputs) g.message(11, (m) => writeValue(m, v));
    for (const v of graph.outputs) g.message(12, (m) => writeValue(m, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, OPSET));
  return w.finish();
}
