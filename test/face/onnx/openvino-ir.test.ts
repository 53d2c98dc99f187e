import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../face/image/decode';
import { OnnxEmbedder } from '../../../face/onnx/embedder';
import { readManifests, shippedModelsDir } from '../../../face/onnx/manifest';
import { halfToFloat, convertIrToOnnx, parseIrXml } from '../../../face/onnx/openvino-ir';
import { createSession, modelBytes } from '../../../face/onnx/session';
import { YunetDetector } from '../../../face/yunet';

// The project converts Intel's IR itself (face/onnx/openvino-ir.ts). This proves the conversion against an
// ONNX conversion made outside the project (../shared/models/reference-onnx), on a real aligned face.
const reference = resolve(import.meta.dirname, '../../../../shared/models/reference-onnx');
const haveReference = existsSync(reference);
if (!haveReference) console.log(`skipping the reference-ONNX comparison: ${reference} is not there (it lives in the shared models folder).`);

const manifests = readManifests([shippedModelsDir()]);

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { d += a[i]! * b[i]!; na += a[i]! ** 2; nb += b[i]! ** 2; }
  return d / Math.sqrt(na * nb);
}

describe('OpenVINO IR → ONNX conversion', () => {
  it('reads half floats exactly, including subnormals and signs', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7bff)).toBe(65504);
  });

  it('refuses an operation it does not map, naming it', () => {
    const xml = `<net name="x" version="11"><layers>
      <layer id="0" name="in" type="Parameter" version="opset1"><data shape="1,3,4,4" element_type="f32"/><output><port id="0" names="in"><dim>1</dim><dim>3</dim><dim>4</dim><dim>4</dim></port></output></layer>
      <layer id="1" name="sm" type="SoftMax" version="opset1"><input><port id="0"><dim>1</dim></port></input><output><port id="1"><dim>1</dim></port></output></layer>
      </layers><edges><edge from-layer="0" from-port="0" to-layer="1" to-port="0"/></edges></net>`;
    expect(parseIrXml(xml).layers).toHaveLength(2);
    expect(() => convertIrToOnnx(xml, new Uint8Array(0), 'x')).toThrow(/SoftMax \(sm\) is not supported/);
  });

  it.skipIf(!haveReference)('gives the same 0095 embedding of an aligned fixture face as the reference ONNX (cosine ≥ 0.999)', async () => {
    const det = manifests.get('yunet-2023mar')!;
    const detector = await YunetDetector.create(det, await createSession(det));
    const image = await decodeImage(readFileSync(join(import.meta.dirname, '../../fixtures/faces/person-vlado.jpg')));
    const face = (await detector.detect(image))[0]!;
    const m = manifests.get('intel-0095')!;
    const ours = new OnnxEmbedder(m, await ort.InferenceSession.create(modelBytes(m)));
    const crop = ours.crop(image, face.landmarks);
    const [mine] = await ours.embedCrops([crop]);
    const theirs = new OnnxEmbedder(m, await ort.InferenceSession.create(join(reference, 'face-reidentification-retail-0095.fp16-ir.onnx')));
    const [ref] = await theirs.embedCrops([crop]);
    expect(cosine(mine!, ref!)).toBeGreaterThan(0.999);
  });

  it.skipIf(!haveReference)('gives the same five landmarks as the reference ONNX of landmarks-regression-retail-0009', async () => {
    const m = manifests.get('intel-landmarks-0009')!;
    const input = new ort.Tensor('float32', Float32Array.from({ length: 3 * 48 * 48 }, (_, i) => 128 + 100 * Math.sin(i / 7)), [1, 3, 48, 48]);
    const run = async (s: ort.InferenceSession) => (await s.run({ [s.inputNames[0]!]: input }))[s.outputNames[0]!]!.data as Float32Array;
    const mine = await run(await ort.InferenceSession.create(modelBytes(m)));
    const ref = await run(await ort.InferenceSession.create(join(reference, 'landmarks-regression-retail-0009.fp16-ir.onnx')));
    for (let i = 0; i < 10; i++) expect(mine[i]).toBeCloseTo(ref[i]!, 4);
  });

  it('embeds a batch of two crops as it embeds each alone (the converted batch dimension is symbolic)', async () => {
    const m = manifests.get('intel-0095')!;
    const e = new OnnxEmbedder(m, await createSession(m));
    const a = Float32Array.from({ length: 128 * 128 * 3 }, (_, i) => (i * 37) % 255);
    const b = Float32Array.from({ length: 128 * 128 * 3 }, (_, i) => (i * 11) % 255);
    const [ab, bb] = await e.embedCrops([a, b]);
    const [a1] = await e.embedCrops([a]);
    const [b1] = await e.embedCrops([b]);
    expect(cosine(ab!, a1!)).toBeGreaterThan(0.99999);
    expect(cosine(bb!, b1!)).toBeGreaterThan(0.99999);
    expect(cosine(a1!, b1!)).toBeLessThan(0.99);
  });
});
