import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCalibration, loadCalibration } from '../../face/calibration';
import type { FaceEngineApi } from '../../face/client';
import { createCalibrateCommand, parseLabelledPairs } from '../../cli/calibrate';
import type { CliIo } from '../../cli/io';

function captureIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', env: {}, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

// A stand-in engine: each "image" file holds an angle; its embedding is the unit vector at that angle, so the
// cosine of two images is cos(a − b) and the test controls every score.
const base = buildCalibration({
  model: { members: [{ id: 'test-model', padding: 0, raw: false, metric: 'cosine', flip: false, idPicCrops: 1, landmarks: 'centres', dims: 2, norm: { mean: 0, std: 1 } }] },
  pipeline: { detector: 'yunet-2023mar', landmarks: null, quality: { minEyeDistance: 12, minSharpness: 25, maxTurn: 0.6 } },
  genuine: [0.9],
  impostor: Array.from({ length: 1000 }, (_, i) => i / 1000 - 0.5),
  thresholds: { '0.0001': { raw: 0.95, method: 'confidence-bound' }, '0.001': { raw: 0.9, method: 'confidence-bound' }, '0.01': { raw: 0.8, method: 'confidence-bound' } },
  protocol: 'synthetic',
  note: 'test',
});
const engine: FaceEngineApi = {
  calibration: base,
  embed: async (bytes) => {
    const a = Number(Buffer.from(bytes).toString('utf8'));
    if (Number.isNaN(a)) throw new Error('no face');
    return { model: 'test-model', vector: Float32Array.from([Math.cos(a), Math.sin(a)]), box: { x: 0, y: 0, width: 1, height: 1 }, faces: 1 };
  },
  compare: async () => {
    throw new Error('not used');
  },
  detectAttributes: async () => {
    throw new Error('not used');
  },
  close: async () => {},
};
const command = createCalibrateCommand(async () => engine);

/** `people` images at spread-out angles; impostor pairs across them, a genuine pair per person (a small jitter). */
async function pairsFile(people: number): Promise<{ dir: string; file: string; impostorPairs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'renzheng-calibrate-'));
  const lines: string[] = [];
  for (let i = 0; i < people; i++) {
    await writeFile(join(dir, `chip${i}.txt`), String((i * 2.399) % 6.283));
    await writeFile(join(dir, `live${i}.txt`), String(((i * 2.399) % 6.283) + 0.05));
  }
  for (let i = 0; i < people; i++) {
    lines.push(`chip${i}.txt\tlive${i}.txt\tsame`);
    for (let j = 0; j < people; j++) if (j !== i) lines.push(`chip${i}.txt\tlive${j}.txt\tdifferent`);
  }
  await writeFile(join(dir, 'pairs.tsv'), `# site pairs\n${lines.join('\n')}\n`);
  return { dir, file: join(dir, 'pairs.tsv'), impostorPairs: people * (people - 1) };
}

describe('renzheng calibrate', () => {
  it('reads the compare --pairs format plus a label, chip against live by default', () => {
    const pairs = parseLabelledPairs('a.jpg\tb.jpg\tsame\n\n# c\nc.jpg\td.jpg\tFacePic\tFacePic\tdifferent\n', '/site');
    expect(pairs).toEqual([
      { source: '/site/a.jpg', target: '/site/b.jpg', sourceType: 'IDPic', targetType: 'FacePic', genuine: true },
      { source: '/site/c.jpg', target: '/site/d.jpg', sourceType: 'FacePic', targetType: 'FacePic', genuine: false },
    ]);
    expect(() => parseLabelledPairs('a.jpg\tb.jpg\tmaybe\n', '/site')).toThrow(/line 1: expected/);
  });

  it('refuses (exit 2) when too few impostor pairs support the FAR, and writes nothing', async () => {
    const { dir, file } = await pairsFile(20); // 380 impostor pairs
    const io = captureIo();
    expect(await command(['--pairs', file, '--out', join(dir, 'site.json'), '--far', '0.001'], io)).toBe(2);
    expect(JSON.parse(io.out)).toMatchObject({ error: { code: 'InvalidParam.TooFewImpostorPairs', have: 380, need: 2995 } });
    expect(existsSync(join(dir, 'site.json'))).toBe(false);
  });

  it('writes a calibration the engine can load, with thresholds that hold on the site\'s impostors', async () => {
    const { dir, file, impostorPairs } = await pairsFile(60); // 3540 impostor pairs: supports 0.001 and 0.01
    const out = join(dir, 'site.json');
    const io = captureIo();
    expect(await command(['--pairs', file, '--out', out, '--far', '0.001'], io)).toBe(0);
    const summary = JSON.parse(io.out) as { impostorPairs: number; genuinePairs: number };
    expect(summary).toMatchObject({ impostorPairs, genuinePairs: 60 });
    const site = loadCalibration(out);
    expect(site.thresholds['0.001'].method).toBe('confidence-bound');
    expect(site.thresholds['0.0001'].method).toBe('inherited');
    expect(site.pipeline).toEqual(base.pipeline);
  });
});
