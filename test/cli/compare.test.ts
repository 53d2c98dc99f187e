import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaceWorker, type FaceEngineApi } from '../../face/client';
import { createCompareCommand, parsePairs } from '../../cli/compare';
import { runCli } from '../../cli/index';
import type { CliIo } from '../../cli/io';

const fixtures = join(import.meta.dirname, '../fixtures/faces');
const vlado = join(fixtures, 'person-vlado.jpg');
const vlado1 = join(fixtures, 'person-vlado1.jpg');
const linda = join(fixtures, 'person-linda.jpg');
const background = join(fixtures, 'background.jpg');

function captureIo(env: Record<string, string | undefined> = {}): CliIo & { out: string; err: string; lines: () => unknown[] } {
  const io = {
    out: '',
    err: '',
    env,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    lines: () => io.out.trim().split('\n').map((l) => JSON.parse(l) as unknown),
  };
  return io;
}

// One real engine shared by the injected-factory tests; it counts starts and embeddings so the test can
// check that batch mode loads the models once and embeds each distinct image once.
let engine: FaceEngineApi;
const counts = { starts: 0, embeds: 0 };
const command = createCompareCommand(async () => {
  counts.starts++;
  return {
    calibration: engine.calibration,
    embed: (image) => (counts.embeds++, engine.embed(image)),
    compare: (s, t, o) => engine.compare(s, t, o),
    detectAttributes: (i, m) => engine.detectAttributes(i, m),
    close: async () => {}, // shared across tests; closed in afterAll
  };
});
beforeAll(async () => {
  engine = await startFaceWorker({ attributes: false, workers: 1 });
});
afterAll(async () => {
  await engine?.close();
});

describe('pairs file', () => {
  it('resolves relative paths from the file\'s folder, defaults types to FacePic, skips blanks and # comments', () => {
    const lines = parsePairs('# chip vs live\nchip.bmp\t/abs/live.jpg\tIDPic\tFacePic\n\na.jpg\tb.jpg\nonly-one-field\n', '/data/run1');
    expect(lines).toEqual([
      { source: '/data/run1/chip.bmp', target: '/abs/live.jpg', sourceType: 'IDPic', targetType: 'FacePic' },
      { source: '/data/run1/a.jpg', target: '/data/run1/b.jpg', sourceType: 'FacePic', targetType: 'FacePic' },
      { error: 'expected 2 or 4 tab-separated fields, got 1' },
    ]);
  });
});

describe('renzheng compare (local engine)', () => {
  it('prints SimilarityScore and numeric ConfidenceThresholds through the real CLI entry (own worker)', async () => {
    const io = captureIo();
    expect(await runCli(['compare', vlado, vlado1, '--target-type', 'FacePic'], io)).toBe(0);
    const [result] = io.lines() as [{ SimilarityScore: number; ConfidenceThresholds: Record<string, number> }];
    expect(Object.keys(result)).toEqual(['SimilarityScore', 'ConfidenceThresholds']);
    expect(result.SimilarityScore).toBeGreaterThan(result.ConfidenceThresholds['0.01']!);
    expect(Object.keys(result.ConfidenceThresholds)).toEqual(['0.0001', '0.001', '0.01']);
  });

  it('exits 2 with the spec error code when a picture has no face', async () => {
    const io = captureIo();
    expect(await command([vlado, background], io)).toBe(2);
    expect(io.lines()).toEqual([{ error: { code: 'Error.NoFaceDetected', message: 'No face was detected in the image.' } }]);
  });

  it('rejects two IDPics before loading any model', async () => {
    const before = counts.starts;
    const io = captureIo();
    expect(await command([vlado, vlado1, '--source-type', 'IDPic', '--target-type', 'IDPic'], io)).toBe(2);
    expect(io.lines()).toMatchObject([{ error: { code: 'InvalidParam.FacePicNotGiven' } }]);
    expect(counts.starts).toBe(before);
  });

  it('batch mode: one JSON line per pair in input order, errors inline, each image embedded once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'renzheng-pairs-'));
    const pairs = join(dir, 'pairs.tsv');
    await writeFile(
      pairs,
      [
        `${vlado}\t${vlado1}`,
        `${vlado}\t${linda}\tIDPic\tFacePic`,
        `${vlado1}\t${background}`,
        `${vlado}\t${vlado1}\tIDPic\tIDPic`,
        `${vlado}\t${join(dir, 'missing.jpg')}`,
        `${linda}\t${vlado1}`,
      ].join('\n'),
    );
    const before = { ...counts };
    const io = captureIo();
    expect(await command(['--pairs', pairs], io)).toBe(0);
    const lines = io.lines() as Record<string, unknown>[];
    expect(lines).toHaveLength(6);
    const score = (i: number) => (lines[i] as { SimilarityScore: number }).SimilarityScore;
    expect(score(0)).toBeGreaterThan(score(1));
    expect(lines[2]).toMatchObject({ error: { code: 'Error.NoFaceDetected' } });
    expect(lines[3]).toMatchObject({ error: { code: 'InvalidParam.FacePicNotGiven' } });
    expect(lines[4]).toMatchObject({ error: { code: 'InvalidParam.ImageValuePatternError' } });
    expect(lines[5]).toHaveProperty('SimilarityScore');
    expect(counts.starts - before.starts).toBe(1);
    // vlado (FacePic and, with the chip augmentation, IDPic), vlado1, linda, background; missing.jpg is never read
    expect(counts.embeds - before.embeds).toBe(5);
    const again = captureIo();
    await command(['--pairs', pairs], again);
    expect(again.out).toBe(io.out); // deterministic
  });

  it('answers usage errors on stderr with exit 2', async () => {
    const io = captureIo();
    expect(await command([vlado], io)).toBe(2);
    expect(io.err).toMatch(/need SOURCE and TARGET/);
    expect(await command(['--pairs', join(fixtures, 'nope.tsv')], captureIo())).toBe(2);
  });

  it('hands the whole argv to the cloudauth compare when --provider cloudauth is given', async () => {
    const io = captureIo();
    const code = await command([vlado, vlado1, '--provider', 'cloudauth'], io);
    expect(code).not.toBe(0);
    expect(io.out + io.err).toMatch(/AccessKey/);
  });
});
