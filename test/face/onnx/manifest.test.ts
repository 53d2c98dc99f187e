import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, readManifests, readModelFile, shippedModelsDir } from '../../../face/onnx/manifest';

describe('model manifests', () => {
  it('lists the shipped detector, landmark model and embedder, each with a licence', () => {
    const m = readManifests([shippedModelsDir()]);
    expect([...m.values()].map((x) => `${x.id}:${x.kind}:${x.licence.spdx}`).sort()).toEqual([
      'intel-0095:embedder:Apache-2.0',
      'intel-landmarks-0009:landmarks:Apache-2.0',
      'yunet-2023mar:detector:MIT',
    ]);
  });

  it('refuses a model file whose sha256 is not the manifest\'s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'renzheng-manifest-'));
    const shipped = readManifests([shippedModelsDir()]).get('yunet-2023mar')!;
    cpSync(join(shipped.dir, 'opencv-zoo'), join(dir, 'opencv-zoo'), { recursive: true });
    writeFileSync(join(dir, shipped.files.model), 'not the model');
    const copy = { ...shipped, dir };
    expect(() => readModelFile(copy, shipped.files.model)).toThrow(/has sha256 .* the manifest expects/);
  });

  it('refuses an embedder manifest without an alignment template, saying which field', () => {
    const json = { id: 'site-model', kind: 'embedder', format: 'onnx', files: { model: 'm.onnx' }, sha256: { 'm.onnx': 'a'.repeat(64) },
      input: { size: 112, colour: 'RGB', mean: [127.5, 127.5, 127.5], std: [128, 128, 128] }, output: { dims: 512 },
      licence: { spdx: 'LicenseRef-site', file: 'LICENSE', source: 'bought', trainingData: 'unknown' } };
    expect(() => parseManifest(json, '/x')).toThrow(/invalid \(template\)/);
    const ok = parseManifest({ ...json, template: { landmarks: 'centres', points: [[0.3, 0.4], [0.7, 0.4], [0.5, 0.6], [0.35, 0.8], [0.65, 0.8]] } }, '/x');
    expect(ok.input.size).toBe(112);
  });
});
