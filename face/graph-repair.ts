import type { ConvertedGraph, GraphNode } from './runtime';

type WeightSpec = ConvertedGraph['weightSpecs'][number];

/** Bytes one value of a weight takes in the shard files (quantized weights are stored narrower). */
function bytesPerValue(spec: WeightSpec): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  switch (stored) {
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
    case 'uint16':
      return 2;
    case 'uint8':
    case 'bool':
      return 1;
    default:
      throw new Error(`Weight ${spec.name} has dtype ${stored}, which the graph repair cannot step over.`);
  }
}

const decode = (s: string) => Buffer.from(s, 'base64').toString('utf8');
const encode = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** What `repairPrelu` changed; a model that needs no repair reports zeros. */
export interface PreluRepair {
  /** Depthwise/conv nodes whose fused ReLU was moved back into its own node. */
  unfused: number;
  /** PReLU slope constants whose sign was corrected. */
  slopes: number;
}

/**
 * Repair the PReLU activations of human-models' MobileFaceNet (sirius-ai MobileFaceNet_TF, converted to
 * tfjs). The graph writes PReLU as `relu(x) + slope * (x - |x|)`, and the conversion broke it twice:
 *
 * 1. For 16 depthwise convolutions the converter fused the `relu` into the convolution (`fused_ops:
 *    [BiasAdd, Relu]`) although the pre-activation `x` also feeds the `Abs`/`Sub` branch, so that branch sees
 *    `relu(x)`, the negative half is always zero, and the ReLU moves back into its own node here.
 * 2. Every slope constant carries the opposite sign of the trained PReLU alpha (the independent TFLite
 *    conversion of the same weights stores them negated), so the negative half is mirrored; they are negated.
 *
 * Without the repair every face comes out as nearly the same vector (pairwise cosine ≈ 1.00). With it the
 * output equals the TFLite conversion's (cosine ≥ 0.999999 on 29 fixture faces; checked once by hand, see
 * face/MODELS.md) and separates identities. Pure: returns new topology and weights, the input is untouched.
 */
export function repairPrelu(model: ConvertedGraph): { model: ConvertedGraph; repaired: PreluRepair } {
  const nodes: GraphNode[] = model.topology.node.map((n) => ({ ...n, input: n.input ? [...n.input] : undefined }));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const consumers = (name: string) => nodes.filter((n) => n.input?.includes(name));
  const added: GraphNode[] = [];
  const slopeConsts = new Set<string>();

  for (const sub of nodes) {
    if (sub.op !== 'Sub' || sub.input?.length !== 2) continue;
    const [x, absName] = sub.input as [string, string];
    const abs = byName.get(absName);
    if (abs?.op !== 'Abs' || abs.input?.[0] !== x) continue; // not the PReLU's `x - |x|`
    const mul = consumers(sub.name).find((n) => n.op === 'Mul');
    const slope = mul?.input?.find((i) => i !== sub.name);
    if (slope && byName.get(slope)?.op === 'Const') slopeConsts.add(slope);

    const producer = byName.get(x);
    const fused = producer?.attr?.['fused_ops']?.list?.s?.map(decode);
    if (!producer || fused?.[fused.length - 1] !== 'Relu') continue;
    const add = consumers(x).find((n) => n.op === 'Add' || n.op === 'AddV2');
    if (!add) continue;
    const reluName = `${x}/unfused_relu`;
    producer.attr = { ...producer.attr, fused_ops: { list: { s: fused.slice(0, -1).map(encode) } } };
    add.input = add.input!.map((i) => (i === x ? reluName : i));
    added.push({ name: reluName, op: 'Relu', input: [x], attr: { T: { type: 'DT_FLOAT' } } });
  }

  const weightData = model.weightData.slice(0);
  // Both defects come from the same conversion; a graph without the fused ReLU is taken as converted
  // correctly, and its slopes are left alone.
  if (added.length === 0) slopeConsts.clear();
  let offset = 0;
  let slopes = 0;
  for (const spec of model.weightSpecs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = count * bytesPerValue(spec);
    if (slopeConsts.has(spec.name)) {
      if (spec.dtype !== 'float32' || spec.quantization) throw new Error(`PReLU slope ${spec.name} is not plain float32; cannot repair this model.`);
      const values = new Float32Array(weightData, offset, count);
      for (let i = 0; i < count; i++) values[i] = -values[i]!;
      slopes++;
    }
    offset += bytes;
  }
  return {
    model: { topology: { ...model.topology, node: [...nodes, ...added] }, weightSpecs: model.weightSpecs, weightData },
    repaired: { unfused: added.length, slopes },
  };
}
