import { FaceError } from '../../../face/errors';
import type { FaceBackend } from '../../../server/face-pool';

/**
 * A face engine stand-in: an "image" is any bytes; bytes starting with "person:NAME" hold NAME's
 * face, "noface" holds none. Same name → 95, different → 20. Real images are compared by the
 * real engine in the end-to-end tests.
 */
export const FAKE_THRESHOLDS = { '0.0001': 90.07, '0.001': 80.01, '0.01': 70.02 } as const;

export function fakeImage(name: string): Buffer {
  return Buffer.from(`person:${name}:${'x'.repeat(64)}`);
}

function personOf(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (text.startsWith('noface')) throw new FaceError('Error.NoFaceDetected', 'No face was detected in the image.');
  const m = /^person:([^:]+)/.exec(text);
  if (!m) throw new FaceError('InvalidParam.ImageValuePatternError', 'The image could not be decoded.');
  return m[1]!;
}

export interface FakeFace extends FaceBackend {
  compares: number;
  /** While set, every compare waits for it (to fill the queue). */
  gate?: Promise<void>;
}

export function fakeFace(): FakeFace {
  const face: FakeFace = {
    compares: 0,
    async compare(source, target) {
      face.compares++;
      if (face.gate) await face.gate;
      const same = personOf(source) === personOf(target);
      return { SimilarityScore: same ? 95.1234 : 20.5, ConfidenceThresholds: { ...FAKE_THRESHOLDS } };
    },
    async detectAttributes(image) {
      personOf(image);
      return {
        ImgWidth: 640,
        ImgHeight: 480,
        FaceInfos: {
          FaceAttributesDetectInfo: [
            {
              FaceAttributes: { Facetype: 'Face', Headpose: { PitchAngle: 1, RollAngle: 2, YawAngle: 3 }, Glasses: 'None', Blur: 0.05, Smiling: { Value: 10, Threshold: 50 }, Gender: { Value: 'Male', Score: 0.9 }, Age: 30 },
              FaceRect: { Left: 10, Top: 20, Width: 100, Height: 120 },
            },
          ],
        },
      } as never;
    },
    async close() {},
  };
  return face;
}
