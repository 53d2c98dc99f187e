import { XMLParser } from 'fast-xml-parser';
import { encodeOnnxModel, type OnnxAttribute, type OnnxNode, type OnnxTensor, type OnnxValue } from './onnx-model';

// Converts an OpenVINO IR (v10/v11 XML + .bin weights) of a plain CNN into an ONNX model, in memory. The
// engine ships Intel's files byte for byte (their hashes match Open Model Zoo's model.yml, so anyone can
// audit them) and converts at load: no converter outside the project, no generated file to trust.
// Only the operations of the models we ship are mapped; anything else is refused by name.

interface IrPort {
  id: number;
  dims: number[];
  names?: string;
}
interface IrLayer {
  id: number;
  name: string;
  type: string;
  data: Record<string, string>;
  inputs: IrPort[];
  outputs: IrPort[];
}
interface IrEdge {
  fromLayer: number;
  fromPort: number;
  toLayer: number;
  toPort: number;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function parsePorts(node: unknown): IrPort[] {
  const ports = asArray((node as { port?: unknown } | undefined)?.port) as Record<string, unknown>[];
  return ports.map((p) => ({
    id: Number(p['@id']),
    dims: asArray(p.dim as unknown).map(Number),
    ...(typeof p['@names'] === 'string' ? { names: p['@names'] } : {}),
  }));
}

/** Parse the IR's XML into layers and edges. */
export function parseIrXml(xml: string): { layers: IrLayer[]; edges: IrEdge[] } {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseAttributeValue: false, parseTagValue: false });
  const doc = parser.parse(xml) as { net?: { layers?: { layer?: unknown }; edges?: { edge?: unknown } } };
  if (!doc.net?.layers) throw new Error('Not an OpenVINO IR: no <net><layers>.');
  const layers = (asArray(doc.net.layers.layer) as Record<string, unknown>[]).map((l) => {
    const data = Object.fromEntries(
      Object.entries((l.data as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k.replace(/^@/, ''), String(v)]),
    );
    return { id: Number(l['@id']), name: String(l['@name']), type: String(l['@type']), data, inputs: parsePorts(l.input), outputs: parsePorts(l.output) };
  });
  const edges = (asArray(doc.net.edges?.edge) as Record<string, string>[]).map((e) => ({
    fromLayer: Number(e['@from-layer']),
    fromPort: Number(e['@from-port']),
    toLayer: Number(e['@to-layer']),
    toPort: Number(e['@to-port']),
  }));
  return { layers, edges };
}

/** IEEE 754 half → single precision. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

interface Constant {
  dims: number[];
  values: Float32Array;
}

function readConstant(layer: IrLayer, weights: Uint8Array): Constant {
  const offset = Number(layer.data.offset);
  const size = Number(layer.data.size);
  const type = layer.data.element_type;
  const dims = (layer.data.shape ?? '').split(',').filter((s) => s.trim() !== '').map(Number);
  if (offset + size > weights.length) throw new Error(`Const ${layer.name} reads past the end of the .bin (${offset}+${size} > ${weights.length}); the .bin does not belong to this .xml.`);
  const view = new DataView(weights.buffer, weights.byteOffset + offset, size);
  const count = dims.reduce((a, b) => a * b, 1);
  const values = new Float32Array(count);
  if (type === 'f16') for (let i = 0; i < count; i++) values[i] = halfToFloat(view.getUint16(2 * i, true));
  else if (type === 'f32') for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, true);
  else throw new Error(`Const ${layer.name} has element type ${type}; only f16 and f32 weights are supported.`);
  return { dims, values };
}

const ints = (s: string | undefined): number[] => (s ?? '').split(',').filter((x) => x.trim() !== '').map(Number);

/** Conv / pooling padding: IR's pads_begin + pads_end, or ONNX's auto_pad. */
function padding(data: Record<string, string>): Record<string, OnnxAttribute> {
  const auto = (data.auto_pad ?? 'explicit').toLowerCase();
  if (auto === 'same_upper') return { auto_pad: { kind: 'string', value: 'SAME_UPPER' } };
  if (auto === 'same_lower') return { auto_pad: { kind: 'string', value: 'SAME_LOWER' } };
  if (auto === 'valid') return { auto_pad: { kind: 'string', value: 'VALID' } };
  return { pads: { kind: 'ints', value: [...ints(data.pads_begin), ...ints(data.pads_end)] } };
}

/** Topological order of the layers (the IR lists them in id order, which is not promised to be one). */
function ordered(layers: IrLayer[], edges: IrEdge[]): IrLayer[] {
  const byId = new Map(layers.map((l) => [l.id, l]));
  const pending = new Map(layers.map((l) => [l.id, 0]));
  for (const e of edges) pending.set(e.toLayer, (pending.get(e.toLayer) ?? 0) + 1);
  const ready = layers.filter((l) => pending.get(l.id) === 0).map((l) => l.id);
  const out: IrLayer[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    out.push(byId.get(id)!);
    for (const e of edges) {
      if (e.fromLayer !== id) continue;
      const left = pending.get(e.toLayer)! - 1;
      pending.set(e.toLayer, left);
      if (left === 0) ready.push(e.toLayer);
    }
  }
  if (out.length !== layers.length) throw new Error('The IR graph has a cycle.');
  return out;
}

export interface ConvertedModel {
  onnx: Uint8Array;
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

/**
 * Convert an IR to ONNX (opset 13). Const→Convert(f16→f32) chains are folded into float32 initializers;
 * Convolution, GroupConvolution, Add, Multiply, PReLU, Sigmoid, AvgPool and MaxPool map one to one.
 */
export function convertIrToOnnx(xml: string, weights: Uint8Array, name: string, options: { batch?: number | 'dynamic' } = {}): ConvertedModel {
  const { layers, edges } = parseIrXml(xml);
  const constants = new Map<string, Constant>();
  const tensorName = new Map<string, string>();
  const key = (layer: number, port: number) => `${layer}:${port}`;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const inputs: OnnxValue[] = [];
  const outputs: OnnxValue[] = [];
  const used = new Set<string>();

  const layerById = new Map(layers.map((l) => [l.id, l]));
  const incoming = (layer: IrLayer): string[] =>
    layer.inputs.map((p) => {
      const e = edges.find((x) => x.toLayer === layer.id && x.toPort === p.id);
      if (!e) throw new Error(`${layer.type} ${layer.name}: input port ${p.id} is not connected.`);
      return key(e.fromLayer, e.fromPort);
    });
  /** The ONNX tensor for an IR output; a constant becomes an initializer (reshaped when asked) on first use. */
  const tensor = (k: string, dims?: number[]): string => {
    const c = constants.get(k);
    if (!c) return tensorName.get(k) ?? (() => { throw new Error(`IR tensor ${k} is used before it is produced.`); })();
    const shape = dims ?? c.dims;
    const n = `${name}_const_${k.replace(':', '_')}_${shape.join('x')}`;
    if (!used.has(n)) {
      used.add(n);
      initializers.push({ name: n, type: 'float32', dims: shape, data: c.values });
    }
    return n;
  };
  const outName = (layer: IrLayer, port: IrPort) => {
    const n = port.names?.split(',')[0]?.trim() || `${name}_${layer.id}_${port.id}`;
    tensorName.set(key(layer.id, port.id), n);
    return n;
  };

  for (const layer of ordered(layers, edges)) {
    const ins = incoming(layer);
    const out = layer.outputs[0];
    const node = (op: string, inputNames: string[], attributes: Record<string, OnnxAttribute> = {}) =>
      nodes.push({ op, name: `${layer.name}`, inputs: inputNames, outputs: [outName(layer, out!)], attributes });
    switch (layer.type) {
      case 'Parameter': {
        const n = outName(layer, out!);
        // The IR fixes the batch at 1; every operation here is batch-agnostic, so a symbolic batch lets the
        // engine embed a face and its mirror image in one run.
        const dims: (number | string)[] = ints(layer.data.shape);
        if (options.batch !== undefined) dims[0] = options.batch === 'dynamic' ? 'N' : options.batch;
        inputs.push({ name: n, dims });
        break;
      }
      case 'Const':
        constants.set(key(layer.id, out!.id), readConstant(layer, weights));
        break;
      case 'Convert': {
        const c = constants.get(ins[0]!);
        if (!c || layer.data.destination_type !== 'f32') throw new Error(`Convert ${layer.name}: only weight decompression to f32 is supported.`);
        constants.set(key(layer.id, out!.id), c);
        break;
      }
      case 'Convolution':
      case 'GroupConvolution': {
        const w = constants.get(ins[1]!);
        if (!w) throw new Error(`${layer.type} ${layer.name}: weights are not a constant.`);
        // GroupConvolution weights are [groups, out/groups, in/groups, kh, kw]; ONNX wants [out, in/groups, kh, kw].
        const grouped = layer.type === 'GroupConvolution';
        const dims = grouped ? [w.dims[0]! * w.dims[1]!, ...w.dims.slice(2)] : w.dims;
        node('Conv', [tensor(ins[0]!), tensor(ins[1]!, dims)], {
          strides: { kind: 'ints', value: ints(layer.data.strides) },
          dilations: { kind: 'ints', value: ints(layer.data.dilations) },
          kernel_shape: { kind: 'ints', value: dims.slice(2) },
          group: { kind: 'int', value: grouped ? w.dims[0]! : 1 },
          ...padding(layer.data),
        });
        break;
      }
      case 'Add':
      case 'Multiply':
        if ((layer.data.auto_broadcast ?? 'numpy') !== 'numpy') throw new Error(`${layer.type} ${layer.name}: broadcast ${layer.data.auto_broadcast} is not supported.`);
        node(layer.type === 'Add' ? 'Add' : 'Mul', [tensor(ins[0]!), tensor(ins[1]!)]);
        break;
      case 'PReLU': {
        // OpenVINO applies a per-channel slope along axis 1; ONNX broadcasts from the right, so a [C] slope
        // must become [C, 1, 1] for an NCHW input.
        const slope = constants.get(ins[1]!);
        const rank = layer.inputs[0]!.dims.length;
        const dims = slope && slope.values.length > 1 ? [slope.values.length, ...Array(Math.max(0, rank - 2)).fill(1)] : undefined;
        node('PRelu', [tensor(ins[0]!), tensor(ins[1]!, dims)]);
        break;
      }
      case 'Sigmoid':
        node('Sigmoid', [tensor(ins[0]!)]);
        break;
      case 'AvgPool':
      case 'MaxPool': {
        const attributes: Record<string, OnnxAttribute> = {
          kernel_shape: { kind: 'ints', value: ints(layer.data.kernel) },
          strides: { kind: 'ints', value: ints(layer.data.strides) },
          ceil_mode: { kind: 'int', value: layer.data.rounding_type === 'ceil' ? 1 : 0 },
          ...padding(layer.data),
        };
        if (layer.type === 'AvgPool') attributes.count_include_pad = { kind: 'int', value: layer.data['exclude-pad'] === 'true' ? 0 : 1 };
        node(layer.type === 'AvgPool' ? 'AveragePool' : 'MaxPool', [tensor(ins[0]!)], attributes);
        break;
      }
      case 'Result': {
        const from = layerById.get(Number(ins[0]!.split(':')[0]))!;
        const port = from.outputs.find((p) => key(from.id, p.id) === ins[0])!;
        const dims: (number | string)[] = [...port.dims];
        if (options.batch !== undefined) dims[0] = options.batch === 'dynamic' ? 'N' : options.batch;
        outputs.push({ name: tensor(ins[0]!), dims });
        break;
      }
      default:
        throw new Error(`OpenVINO operation ${layer.type} (${layer.name}) is not supported by this converter; only the operations of the shipped models are.`);
    }
  }
  const onnx = encodeOnnxModel({ name, nodes, initializers, inputs, outputs }, { name: 'renzheng face/onnx/openvino-ir.ts', version: '1' });
  return { onnx, inputs, outputs };
}
