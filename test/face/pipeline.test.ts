import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../face/image/decode';
import { readManifests, shippedModelsDir } from '../../face/onnx/manifest';
import { emptyTimes, OnnxPipeline } from '../../face/pipeline';

const fixture = (name: string) => join(import.meta.dirname, '../fixtures/faces', name);

describe('ONNX face pipeline', () => {
  it('takes a site\'s own embedder from a models folder by its manifest, and times every stage', async () => {
    // A "site model": the same 0095 files under another id, in a folder of its own.
    const shipped = readManifests([shippedModelsDir()]).get('intel-0095')!;
    const site = mkdtempSync(join(tmpdir(), 'renzheng-site-models-'));
    cpSync(join(shipped.dir, 'intel', 'face-reidentification-retail-0095'), join(site, 'm'), { recursive: true });
    const files = { model: 'm/face-reidentification-retail-0095.xml', weights: 'm/face-reidentification-retail-0095.bin' };
    const { dir: _dir, ...manifest } = shipped;
    writeFileSync(
      join(site, 'site.json'),
      JSON.stringify({ ...manifest, id: 'site-embedder', files, sha256: { [files.model]: shipped.sha256[shipped.files.model], [files.weights]: shipped.sha256[shipped.files.weights!] } }),
    );
    const pipeline = await OnnxPipeline.create({ embedders: ['intel-0095', 'site-embedder'], landmarks: null, modelDirs: [site] });
    const image = await decodeImage(readFileSync(fixture('person-vlado.jpg')));
    const times = emptyTimes();
    const [face] = await pipeline.detect(image, times);
    const one = [{ points: 'detector' as const, scale: 1, mirror: false }];
    const [ours, theirs] = await pipeline.embed(image, face!, [one, one], times);
    expect(Array.from(theirs!)).toEqual(Array.from(ours!));
    expect(times.detect).toBeGreaterThan(0);
    expect(Object.keys(times.embed)).toEqual(['intel-0095', 'site-embedder']);
  });

  it('embeds a face as the mean direction of its calibrated views (points, zoom, mirror)', async () => {
    const pipeline = await OnnxPipeline.create({ embedders: ['intel-0095'] });
    const image = await decodeImage(readFileSync(fixture('person-vlado.jpg')));
    const [face] = await pipeline.detect(image);
    const e = pipeline.embedders[0]!;
    const views = [
      { points: 'detector' as const, scale: 1, mirror: false },
      { points: 'landmarks' as const, scale: 0.94, mirror: false },
      { points: 'landmarks' as const, scale: 1, mirror: true },
    ];
    const [vector] = await pipeline.embed(image, face!, [views]);
    const parts = await e.embedCrops([e.crop(image, face!.detectorPoints), e.crop(image, face!.points, false, 0.94), e.crop(image, face!.points, true)]);
    const mean = parts.reduce((sum, v) => sum.map((x, i) => x + v[i]!), new Float32Array(256));
    const norm = Math.hypot(...mean);
    Array.from(vector!).forEach((x, i) => expect(x).toBeCloseTo(mean[i]! / norm, 5));
    // Each view is a different crop: none alone equals the mean.
    for (const p of parts) expect(Math.abs(p.reduce((s, x, i) => s + x * vector![i]!, 0))).toBeLessThan(0.9999);
  });

  it('says which models exist when asked for one that does not', async () => {
    await expect(OnnxPipeline.create({ embedders: ['no-such-model'] })).rejects.toThrow(/No embedder model 'no-such-model'.*intel-0095/);
  });
});
