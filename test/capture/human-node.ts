import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { loadTf, packageDir, requireFile } from '../../face/runtime';
import { observationFromHuman, type HumanFaceLike } from '../../capture/from-human';
import { FACE_SAMPLE_SIZE, meanLuma, sharpnessScore } from '../../imaging/metrics';
import { countedFaces } from '../../capture/quality';
import type { FacePixels, FrameObservation } from '../../capture/types';
import { captureHumanConfig } from '../../renderer/src/capture/human-config';

interface HumanNode {
  load(): Promise<void>;
  detect(input: unknown): Promise<{ face: HumanFaceLike[]; error?: string | null }>;
  models: { stats(): { modelStats: { name: string; loaded: boolean }[] } };
}

/**
 * Human's node-wasm build with the renderer's own capture config, so Node tests judge the very
 * observations the kiosk would see (minus the browser).
 */
export async function createCaptureHuman(): Promise<HumanNode> {
  const tf = await loadTf();
  void tf;
  const dir = packageDir('@vladmandic/human');
  const { Human } = requireFile<{ Human: new (config: object) => HumanNode }>(join(dir, 'dist', 'human.node-wasm.js'));
  // captureHumanConfig resolves 'human/models/' against this base: node_modules/@vladmandic/human/models/.
  const config = captureHumanConfig('wasm', pathToFileURL(`${join(dir, '..')}/`).href);
  const human = new Human({ ...config, cacheModels: false, wasmPath: `${join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist')}/` });
  await human.load();
  const failed = human.models.stats().modelStats.filter((m) => !m.loaded).map((m) => m.name);
  if (failed.length) throw new Error(`models failed to load: ${failed.join(', ')}`);
  return human;
}

/** The face's light and focus, measured like the renderer does: the box resampled to a fixed square. */
export async function facePixels(rgb: Buffer, width: number, height: number, box: { x: number; y: number; width: number; height: number }): Promise<FacePixels> {
  const left = Math.max(0, Math.round(box.x));
  const top = Math.max(0, Math.round(box.y));
  const rgba = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .extract({ left, top, width: Math.min(width - left, Math.round(box.width)), height: Math.min(height - top, Math.round(box.height)) })
    .resize(FACE_SAMPLE_SIZE, FACE_SAMPLE_SIZE, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer();
  return { meanLuma: meanLuma(rgba), sharpness: sharpnessScore(rgba, FACE_SAMPLE_SIZE, FACE_SAMPLE_SIZE) };
}

/** One camera frame through Human and the pixel measures: a FrameObservation as the loop builds it. */
export async function observeFrame(human: HumanNode, rgb: Buffer, width: number, height: number, timeMs = 0): Promise<FrameObservation> {
  const tf = await loadTf();
  const input = tf.tensor3d(new Int32Array(rgb), [height, width, 3], 'int32');
  try {
    const result = await human.detect(input);
    if (result.error) throw new Error(result.error);
    const frame: FrameObservation = { timeMs, width, height, faces: result.face.map(observationFromHuman), pixels: null };
    const counted = countedFaces(frame);
    if (counted.length === 1) frame.pixels = await facePixels(rgb, width, height, counted[0]!.box);
    return frame;
  } finally {
    input.dispose();
  }
}
