import type { DetectFaceAttributesResult } from './attributes';
import type { Calibration } from './calibration';
import type { FaceEmbedding, ImageType } from './compare';
import type { FaceErrorData } from './errors';

/** What the parent sends the face worker at start (worker_threads workerData). */
export interface FaceWorkerData {
  /** Operator calibration file; the shipped calibration when absent. */
  calibrationPath?: string;
  attributes?: boolean;
  /** Extra folders of model manifests, searched after face/models. */
  modelDirs?: string[];
}

export type FaceRequest =
  | { id: number; op: 'embed'; image: Uint8Array; type: ImageType }
  | { id: number; op: 'detectAttributes'; image: Uint8Array; maxFaces: number };

export type FaceResponse =
  | { id: number; ok: true; value: FaceEmbedding | DetectFaceAttributesResult }
  | { id: number; ok: false; error: FaceErrorData };

/** First message from the worker: models loaded (with the calibration in use) or failed. */
export type FaceReady = { ready: true; calibration: Calibration; loadMs: number } | { ready: false; error: FaceErrorData };
