import type { InferenceSession } from 'onnxruntime-node';
import type { FivePoints, Point } from './align';
import type { RgbImage } from '../imaging/rgb';
import type { ModelManifest } from './onnx/manifest';
import { loadOrt } from './onnx/session';

// YuNet (OpenCV Zoo, 2023mar) in onnxruntime. The network only scores a grid of positions per stride; the
// decoding below (strides 8/16/32, one prior per cell, box = centre offset + log size, five landmarks, score
// = √(class · objectness), then NMS) follows OpenCV's FaceDetectorYN (modules/objdetect/src/face_detect.cpp).

export const YUNET_STRIDES = [8, 16, 32] as const;

/** One face in source-image pixels; landmarks in image order (image-left eye first, see decodeYunet). */
export interface YunetFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: FivePoints;
}

/** The network's twelve outputs, by name (cls_8, obj_8, bbox_8, kps_8, … for each stride). */
export type YunetOutputs = Record<string, { data: ArrayLike<number> }>;

/**
 * Decode YuNet's outputs for an input of `size`x`size` (pure). Returns every candidate above `minScore`,
 * in input pixels, before NMS. YuNet gives the subject's right eye first (the image-left one for a frontal
 * face) and the subject's right mouth corner before the left: that is already image order.
 */
export function decodeYunet(outputs: YunetOutputs, size: number, minScore: number): YunetFace[] {
  const faces: YunetFace[] = [];
  for (const stride of YUNET_STRIDES) {
    const cols = Math.floor(size / stride);
    const rows = Math.floor(size / stride);
    const cls = outputs[`cls_${stride}`]?.data, obj = outputs[`obj_${stride}`]?.data;
    const bbox = outputs[`bbox_${stride}`]?.data, kps = outputs[`kps_${stride}`]?.data;
    if (!cls || !obj || !bbox || !kps) throw new Error(`YuNet output for stride ${stride} is missing; is this the 2023mar model?`);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const clamp = (v: number) => Math.min(1, Math.max(0, v));
        const score = Math.sqrt(clamp(cls[i]!) * clamp(obj[i]!));
        if (score < minScore) continue;
        const cx = (c + bbox[i * 4]!) * stride, cy = (r + bbox[i * 4 + 1]!) * stride;
        const w = Math.exp(bbox[i * 4 + 2]!) * stride, h = Math.exp(bbox[i * 4 + 3]!) * stride;
        const points = Array.from({ length: 5 }, (_, k): Point => [(kps[i * 10 + 2 * k]! + c) * stride, (kps[i * 10 + 2 * k + 1]! + r) * stride]);
        faces.push({ box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, score, landmarks: points as unknown as FivePoints });
      }
    }
  }
  return faces;
}

function iou(a: YunetFace['box'], b: YunetFace['box']): number {
  const x0 = Math.max(a.x, b.x), y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width), y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a.width * a.height + b.width * b.height - inter || 1);
}

/** Greedy non-maximum suppression by score (pure). */
export function nms(faces: readonly YunetFace[], maxIou: number): YunetFace[] {
  const kept: YunetFace[] = [];
  for (const f of [...faces].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => iou(k.box, f.box) <= maxIou)) kept.push(f);
  }
  return kept;
}

/**
 * The faces to report from candidates after NMS (highest score first): every one at or above `minScore`, or, when
 * none is, the single best weaker one (pure).
 */
export function keepFaces(candidates: readonly YunetFace[], minScore: number): YunetFace[] {
  const confident = candidates.filter((f) => f.score >= minScore);
  return confident.length ? confident : candidates.slice(0, 1);
}

/**
 * Where an image goes in the square network input: scaled to fit (never up by more than `maxUpscale`), at the
 * top-left corner, the rest black (pure).
 */
export function letterboxScale(width: number, height: number, size: number, maxUpscale: number): number {
  return Math.min(size / width, size / height, maxUpscale);
}

/** Bilinear resize of `image` by `scale` into a zero-padded size×size NCHW BGR float tensor (0..255). */
export function letterbox(image: RgbImage, size: number, scale: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  const { width: w, height: h, data } = image;
  const ow = Math.min(size, Math.round(w * scale)), oh = Math.min(size, Math.round(h * scale));
  for (let y = 0; y < oh; y++) {
    const sy = Math.min(Math.max((y + 0.5) / scale - 0.5, 0), h - 1);
    const y0 = Math.floor(sy), y1 = Math.min(y0 + 1, h - 1), dy = sy - y0;
    for (let x = 0; x < ow; x++) {
      const sx = Math.min(Math.max((x + 0.5) / scale - 0.5, 0), w - 1);
      const x0 = Math.floor(sx), x1 = Math.min(x0 + 1, w - 1), dx = sx - x0;
      const i00 = (y0 * w + x0) * 3, i01 = (y0 * w + x1) * 3, i10 = (y1 * w + x0) * 3, i11 = (y1 * w + x1) * 3;
      const o = y * size + x;
      for (let c = 0; c < 3; c++) {
        const top = data[i00 + c]! + (data[i01 + c]! - data[i00 + c]!) * dx;
        const bottom = data[i10 + c]! + (data[i11 + c]! - data[i10 + c]!) * dx;
        out[(2 - c) * plane + o] = top + (bottom - top) * dy; // RGB → BGR planes
      }
    }
  }
  return out;
}

export interface YunetOptions {
  /** Candidates below this score are dropped (OpenCV's demo uses 0.9; we keep weaker faces and take the largest). */
  minScore?: number;
  /**
   * When no candidate reaches minScore, the single best one at or above this score is kept: a photo known to show
   * a face (a chip photo, a grayscale scan) can score a little lower, and "no face" there is a wrong answer. Only
   * the best is kept, so a weak spurious box never competes with a real face on size.
   */
  fallbackScore?: number;
  maxIou?: number;
  /** Small photos (a 102x126 chip) are enlarged at most this much before detection. */
  maxUpscale?: number;
}

export class YunetDetector {
  private constructor(
    private readonly session: InferenceSession,
    private readonly size: number,
    private readonly options: Required<YunetOptions>,
  ) {}

  static async create(manifest: ModelManifest, session: InferenceSession, options: YunetOptions = {}): Promise<YunetDetector> {
    return new YunetDetector(session, manifest.input.size, { minScore: 0.6, fallbackScore: 0.4, maxIou: 0.3, maxUpscale: 3, ...options });
  }

  /** Faces in source pixels, highest score first. */
  async detect(image: RgbImage): Promise<YunetFace[]> {
    const { Tensor } = loadOrt();
    const scale = letterboxScale(image.width, image.height, this.size, this.options.maxUpscale);
    const input = new Tensor('float32', letterbox(image, this.size, scale), [1, 3, this.size, this.size]);
    const outputs = (await this.session.run({ [this.session.inputNames[0]!]: input })) as unknown as YunetOutputs;
    const { minScore, fallbackScore, maxIou } = this.options;
    const faces = keepFaces(nms(decodeYunet(outputs, this.size, Math.min(minScore, fallbackScore)), maxIou), minScore);
    return faces.map((f) => ({
      score: f.score,
      box: { x: f.box.x / scale, y: f.box.y / scale, width: f.box.width / scale, height: f.box.height / scale },
      landmarks: f.landmarks.map(([x, y]) => [x / scale, y / scale] as Point) as unknown as FivePoints,
    }));
  }
}
