import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeChipMimic } from '../../face/chip-mimic';
import { startFaceWorker, type FaceEngineApi } from '../../face/client';
import { encodeBmp24 } from '../../face/image/bmp';
import { decodeImage } from '../../face/image/decode';

// One worker (models loaded once) for the whole file; it is started from the TypeScript source via tsx,
// which is the launcher's fallback when no built face-worker.js exists next to face/client.ts.
const fixtures = join(import.meta.dirname, '../fixtures/faces');
const read = (name: string) => readFile(join(fixtures, name));

let engine: FaceEngineApi;
let chipBmp: Buffer;
beforeAll(async () => {
  engine = await startFaceWorker({ workers: 1 });
  // The ID card's chip photo as a WLT decoder hands it out: 102x126, 24-bit BMP (made from a different photo of vlado).
  const image = await decodeImage(await read('person-vlado.jpg'));
  const face = (await engine.detectAttributes(await read('person-vlado.jpg'))).FaceInfos.FaceAttributesDetectInfo[0]!.FaceRect;
  const chipJpeg = await makeChipMimic(image, { x: face.Left, y: face.Top, width: face.Width, height: face.Height });
  chipBmp = encodeBmp24(await decodeImage(chipJpeg));
});
afterAll(async () => {
  await engine?.close();
});

describe('face engine: CompareFaces', () => {
  it('scores a chip photo (BMP, IDPic) higher against the same person than against someone else', async () => {
    const same = await engine.compare(chipBmp, await read('person-vlado1.jpg'), { sourceType: 'IDPic', targetType: 'FacePic' });
    const other = await engine.compare(chipBmp, await read('person-linda.jpg'), { sourceType: 'IDPic', targetType: 'FacePic' });
    expect(same.SimilarityScore).toBeGreaterThan(other.SimilarityScore);
    expect(same.SimilarityScore).toBeGreaterThan(same.ConfidenceThresholds['0.01']);
    expect(other.SimilarityScore).toBeLessThan(other.ConfidenceThresholds['0.01']);
    for (const r of [same, other]) {
      expect(r.SimilarityScore).toBeGreaterThanOrEqual(0);
      expect(r.SimilarityScore).toBeLessThanOrEqual(100);
      expect(Object.keys(r.ConfidenceThresholds)).toEqual(['0.0001', '0.001', '0.01']);
    }
  });

  it('finds the face in a tight chip photo (face fills the frame) instead of answering Error.NoFaceDetected', async () => {
    // BlazeFace alone misses this 102x126 crop (test/face/detector.test.ts); the detector's second look finds it.
    const photo = await read('person-vlado1.jpg');
    const face = (await engine.detectAttributes(photo)).FaceInfos.FaceAttributesDetectInfo[0]!.FaceRect;
    const tight = await makeChipMimic(await decodeImage(photo), { x: face.Left, y: face.Top, width: face.Width, height: face.Height }, { faceFraction: 0.95 });
    const same = await engine.compare(encodeBmp24(await decodeImage(tight)), await read('person-vlado.jpg'), { sourceType: 'IDPic', targetType: 'FacePic' });
    const other = await engine.compare(encodeBmp24(await decodeImage(tight)), await read('person-linda.jpg'), { sourceType: 'IDPic', targetType: 'FacePic' });
    expect(same.SimilarityScore).toBeGreaterThan(other.SimilarityScore);
  });

  it('refuses a chip photo too blurred to judge with a typed error instead of a low score', async () => {
    // A Gaussian blur of σ 3 px on a 102x126 chip leaves about 0.2 cosine to the same person (bench: blur sweep).
    const chip = await decodeImage(chipBmp);
    const blurred = await sharp(chip.data, { raw: { width: chip.width, height: chip.height, channels: 3 } }).blur(3).jpeg({ quality: 90 }).toBuffer();
    await expect(engine.compare(blurred, await read('person-vlado1.jpg'), { sourceType: 'IDPic', targetType: 'FacePic' })).rejects.toMatchObject({
      code: 'Error.FaceQualityTooLow',
      quality: { reason: 'blurred', image: 'IDPic' },
      message: expect.stringMatching(/chip photo's face is too blurred/),
    });
  });

  it('refuses a live face too small to judge', async () => {
    const tiny = await sharp(await read('person-vlado1.jpg')).resize({ width: 220 }).jpeg({ quality: 95 }).toBuffer();
    await expect(engine.compare(chipBmp, tiny, { sourceType: 'IDPic', targetType: 'FacePic' })).rejects.toMatchObject({
      code: 'Error.FaceQualityTooLow',
      quality: { reason: 'small', image: 'FacePic' },
    });
  });

  it('gives the same image 100 and is symmetric', async () => {
    const a = await read('person-vlado.jpg');
    const b = await read('person-linda.jpg');
    expect((await engine.compare(a, a)).SimilarityScore).toBe(100);
    expect((await engine.compare(a, b)).SimilarityScore).toBe((await engine.compare(b, a)).SimilarityScore);
  });

  it('answers with the CompareFaces error codes', async () => {
    const face = await read('person-vlado.jpg');
    await expect(engine.compare(face, await read('background.jpg'))).rejects.toMatchObject({ code: 'Error.NoFaceDetected' });
    await expect(engine.compare(face, face, { sourceType: 'IDPic', targetType: 'IDPic' })).rejects.toMatchObject({ code: 'InvalidParam.FacePicNotGiven' });
    await expect(engine.compare(face, face, { sourceType: 'Selfie' as never })).rejects.toMatchObject({ code: 'InvalidParam.ImageTypeInvalid' });
    await expect(engine.compare(face, Buffer.from('not an image'))).rejects.toMatchObject({ code: 'InvalidParam.ImageValuePatternError' });
  });

  it('judges only the largest face of a group photo, refusing it when it is turned rather than scoring a smaller one', async () => {
    const group = await read('stock-group-1.jpg');
    // The largest face in this photo is a head in three-quarter profile.
    await expect(engine.embed(group)).rejects.toMatchObject({ code: 'Error.FaceQualityTooLow', quality: { reason: 'turned', image: 'FacePic' } });
    // Two people side by side, one photographed larger: the larger face is the one compared.
    const big = await sharp(await read('person-vlado1.jpg')).resize({ height: 600 }).toBuffer({ resolveWithObject: true });
    const small = await sharp(await read('person-linda.jpg')).resize({ height: 300 }).toBuffer({ resolveWithObject: true });
    const pair = await sharp({ create: { width: big.info.width + small.info.width, height: 600, channels: 3, background: '#808080' } })
      .composite([{ input: small.data, left: 0, top: 150 }, { input: big.data, left: small.info.width, top: 0 }])
      .jpeg({ quality: 92 })
      .toBuffer();
    const embedding = await engine.embed(pair);
    expect(embedding.faces).toBe(2);
    expect(embedding.box.x).toBeGreaterThan(small.info.width);
    const vlado = (await engine.compare(pair, await read('person-vlado.jpg'))).SimilarityScore;
    const linda = (await engine.compare(pair, await read('person-linda.jpg'))).SimilarityScore;
    expect(vlado).toBeGreaterThan(linda);
  });
});

describe('face engine: DetectFaceAttributes', () => {
  it('describes a frontal adult face in the spec shape (angles in radians)', async () => {
    const result = await engine.detectAttributes(await read('person-vlado.jpg'));
    expect(result).toMatchObject({ ImgWidth: 1024, ImgHeight: 768 });
    const [info] = result.FaceInfos.FaceAttributesDetectInfo;
    const a = info!.FaceAttributes;
    expect(a.Facetype).toBe('Face');
    expect(a.Glasses).toBe('None');
    expect(Math.abs(a.Headpose.YawAngle)).toBeLessThan(0.5);
    expect(a.Gender).toMatchObject({ Value: 'Male' });
    expect(a.Age).toBeGreaterThan(18);
    expect(a.Age).toBeLessThan(70);
    expect(info!.FaceRect.Left + info!.FaceRect.Width).toBeLessThanOrEqual(1024);
  });

  it('rates an out-of-focus photo much blurrier than a sharp one, and finds no face in a background', async () => {
    const photo = await read('person-vlado.jpg');
    const blurOf = async (bytes: Buffer) => (await engine.detectAttributes(bytes)).FaceInfos.FaceAttributesDetectInfo[0]!.FaceAttributes.Blur;
    const sharpBlur = await blurOf(photo);
    const soft = await blurOf(await sharp(photo).blur(3).jpeg().toBuffer());
    expect(soft).toBeGreaterThan(5 * sharpBlur);
    expect((await engine.detectAttributes(await read('background.jpg'))).FaceInfos.FaceAttributesDetectInfo).toEqual([]);
  });
});
