import { laplacianVariance } from '../imaging/metrics';
import type { DetectedFace } from './detector';
import { classifyGlasses, glassesFeatures, type Glasses } from './glasses';
import type { RgbImage } from '../imaging/rgb';

/** DetectFaceAttributes' FaceAttributes (developer guide §2.4.6), as far as the local models can tell. */
export interface FaceAttributes {
  /** Face, or Profile when the head is turned more than 30° left or right. */
  Facetype: 'Face' | 'Profile';
  Headpose: { PitchAngle: number; RollAngle: number; YawAngle: number };
  Glasses: Glasses;
  /** Larger is blurrier; ≥ 2.0 is usually too blurred to compare (same reading as cloudauth's Blur). */
  Blur: number;
  Smiling: { Value: number; Threshold: number };
  Gender: { Value: 'Male' | 'Female'; Score: number } | Record<string, never>;
  Age: number;
}

export interface FaceAttributesDetectInfo {
  FaceAttributes: FaceAttributes;
  FaceRect: { Left: number; Top: number; Width: number; Height: number };
}

export interface DetectFaceAttributesResult {
  ImgWidth: number;
  ImgHeight: number;
  FaceInfos: { FaceAttributesDetectInfo: FaceAttributesDetectInfo[] };
}

const PROFILE_YAW = Math.PI / 6;
/** The emotion model is a softmax classifier: "happy" wins when it holds most of the probability. */
const SMILE_THRESHOLD = 50;

/**
 * Blur of the face region: 0.001 / (variance of the Laplacian of the grey face box resampled to 64x64),
 * so sharp faces score near 0 and blur grows without bound. Resampling to a fixed size keeps the number
 * independent of photo size. Measured on the fixtures: sharp photos 0.04–0.13, their 102x126 chip mimics
 * 0.08–0.18, a 640x480 frame after a Gaussian blur of sigma 3: 0.5–1.6.
 */
export function blurScore(image: RgbImage, box: DetectedFace['box'], side = 64): number {
  const grey = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, Math.floor(box.x + ((x + 0.5) * box.width) / side)));
      const sy = Math.min(image.height - 1, Math.max(0, Math.floor(box.y + ((y + 0.5) * box.height) / side)));
      const i = (sy * image.width + sx) * 3;
      grey[y * side + x] = (0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!) / 255;
    }
  }
  const variance = laplacianVariance(grey, side, side);
  return Math.round((0.001 / Math.max(variance, 1e-9)) * 1000) / 1000;
}

export function faceAttributes(image: RgbImage, face: DetectedFace): FaceAttributesDetectInfo {
  const a = face.attributes;
  const round = (v: number) => Math.round(v * 10000) / 10000;
  return {
    FaceAttributes: {
      Facetype: Math.abs(face.pose.yaw) > PROFILE_YAW ? 'Profile' : 'Face',
      Headpose: { PitchAngle: round(face.pose.pitch), RollAngle: round(face.pose.roll), YawAngle: round(face.pose.yaw) },
      Glasses: classifyGlasses(glassesFeatures(image, face.landmarks)),
      Blur: blurScore(image, face.box),
      Smiling: { Value: Math.round((a?.happy ?? 0) * 10000) / 100, Threshold: SMILE_THRESHOLD },
      Gender:
        a && a.gender !== 'unknown'
          ? { Value: a.gender === 'male' ? 'Male' : 'Female', Score: round(a.genderScore) }
          : {},
      Age: Math.round(a?.age ?? 0),
    },
    FaceRect: {
      Left: Math.round(face.box.x),
      Top: Math.round(face.box.y),
      Width: Math.round(face.box.width),
      Height: Math.round(face.box.height),
    },
  };
}
