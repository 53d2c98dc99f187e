import { describe, expect, it } from 'vitest';
import { decodeYunet, keepFaces, letterboxScale, nms, YUNET_STRIDES } from '../../face/yunet';

/** Outputs of a 64x64 input with one confident cell at stride 8, row 2, column 3. */
function outputs(size: number) {
  const o: Record<string, { data: Float32Array }> = {};
  for (const s of YUNET_STRIDES) {
    const n = (size / s) ** 2;
    o[`cls_${s}`] = { data: new Float32Array(n) };
    o[`obj_${s}`] = { data: new Float32Array(n) };
    o[`bbox_${s}`] = { data: new Float32Array(n * 4) };
    o[`kps_${s}`] = { data: new Float32Array(n * 10) };
  }
  const i = 2 * (size / 8) + 3;
  o.cls_8!.data[i] = 0.81;
  o.obj_8!.data[i] = 1.2; // clamped to 1
  o.bbox_8!.data.set([0.5, 0.5, Math.log(2), Math.log(3)], i * 4);
  o.kps_8!.data.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], i * 10);
  return o;
}

describe('YuNet decoding', () => {
  it('turns a cell\'s offsets into a box and five points in input pixels, scored √(class · objectness)', () => {
    const [face, ...rest] = decodeYunet(outputs(64), 64, 0.5);
    expect(rest).toHaveLength(0);
    expect(face!.score).toBeCloseTo(0.9, 6);
    // centre (3.5, 2.5) cells × 8 px, size 2 × 8 by 3 × 8
    const { x, y, width, height } = face!.box;
    [x, y, width, height].forEach((v, k) => expect(v).toBeCloseTo([28 - 8, 20 - 12, 16, 24][k]!, 5));
    expect(face!.landmarks[0]).toEqual([24, 16]);
    expect(face!.landmarks[4]).toEqual([32, 24]);
  });

  it('drops candidates under the score floor', () => {
    expect(decodeYunet(outputs(64), 64, 0.95)).toHaveLength(0);
  });

  it('keeps the best of overlapping boxes and both of separate ones', () => {
    const f = (x: number, score: number) => ({ box: { x, y: 0, width: 10, height: 10 }, score, landmarks: [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]] as const });
    expect(nms([f(0, 0.7), f(1, 0.9), f(30, 0.6)], 0.3).map((k) => k.score)).toEqual([0.9, 0.6]);
  });

  it('reports every confident face, and only the single best weak one when no face is confident', () => {
    const f = (score: number, width: number) => ({ box: { x: 0, y: 0, width, height: width }, score, landmarks: [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]] as const });
    // A weak large box never joins confident faces (the engine takes the largest face).
    expect(keepFaces([f(0.9, 10), f(0.7, 12), f(0.45, 200)], 0.6).map((k) => k.score)).toEqual([0.9, 0.7]);
    // A grayscale or chip photo whose face scores 0.5: reported, alone.
    expect(keepFaces([f(0.5, 40), f(0.42, 300)], 0.6).map((k) => k.score)).toEqual([0.5]);
    expect(keepFaces([], 0.6)).toEqual([]);
  });

  it('fits a photo into the square input and enlarges a small chip at most maxUpscale times', () => {
    expect(letterboxScale(1280, 720, 640, 3)).toBe(0.5);
    expect(letterboxScale(102, 126, 640, 3)).toBe(3);
  });
});
