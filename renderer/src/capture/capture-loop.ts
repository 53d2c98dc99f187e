import { countedFaces } from '../../../capture/quality';
import { observationFromHuman } from '../../../capture/from-human';
import type { CaptureSession, CaptureStep } from '../../../capture/session';
import type { FrameObservation } from '../../../capture/types';
import type { LiveDetector } from './live-detector';
import { FrameGrabber } from './frame-grabber';

export interface CapturedFrame {
  step: CaptureStep;
  /** JPEG of the best gate frame, cropped around the face with margin. */
  jpegBase64: string;
}

export interface CaptureLoopHandlers {
  onStep(step: CaptureStep): void;
  onCaptured(captured: CapturedFrame): void;
  onTimedOut(step: CaptureStep): void;
  onError(error: Error): void;
}

/** Longest wait for a new video frame; the loop also runs when frame callbacks stall (hidden page). */
const FRAME_WAIT_MAX_MS = 100;

/**
 * Resolves on the next new video frame (or after FRAME_WAIT_MAX_MS). Detection finishes in
 * promise callbacks only, so without this macrotask yield the loop would starve the page:
 * no video frame updates, no rendering, no input.
 */
export function nextVideoFrame(video: HTMLVideoElement): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, FRAME_WAIT_MAX_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(done);
    else requestAnimationFrame(done);
  });
}

/** Frames per second over a sliding window, for the screen's diagnostics and the benchmark. */
export class FpsMeter {
  private readonly times: number[] = [];
  constructor(private readonly window = 30) {}
  tick(nowMs: number): void {
    this.times.push(nowMs);
    if (this.times.length > this.window) this.times.shift();
  }
  get fps(): number {
    if (this.times.length < 2) return 0;
    return ((this.times.length - 1) * 1000) / (this.times.at(-1)! - this.times[0]!);
  }
}

/**
 * Detection back to back on the live video: grab a frame, detect, measure the face's pixels,
 * feed the session, and stop once it completes or times out. Nothing but the final crop leaves it.
 */
export class CaptureLoop {
  private stopped = false;
  private readonly grabber = new FrameGrabber();
  readonly meter = new FpsMeter();
  frames = 0;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly engine: LiveDetector,
    private readonly session: CaptureSession,
    private readonly handlers: CaptureLoopHandlers,
  ) {}

  start(): void {
    void this.run().catch((error: unknown) => {
      if (!this.stopped) this.handlers.onError(error instanceof Error ? error : new Error(String(error)));
    });
  }

  stop(): void {
    this.stopped = true;
    this.grabber.clear();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await nextVideoFrame(this.video);
      // The camera may be being recovered (no stream): keep waiting.
      if (this.stopped || this.video.readyState < 2 || this.video.videoWidth === 0) continue;
      const canvas = this.grabber.grab(this.video);
      const result = await this.engine.detect(canvas);
      if (this.stopped) return;
      if (result.error) throw new Error(`face detection failed: ${result.error}`);
      const now = performance.now();
      this.frames++;
      this.meter.tick(now);
      const faces = result.face.map(observationFromHuman);
      const frame: FrameObservation = { timeMs: now, width: canvas.width, height: canvas.height, faces, pixels: null };
      // Light and focus matter only to the gate; the challenge phase skips the pixel readback.
      const counted = this.session.currentPhase === 'gate' ? countedFaces(frame) : [];
      if (counted.length === 1) frame.pixels = this.grabber.facePixels(counted[0]!.box);
      const step = this.session.feed(frame);
      if (step.keepFrame) this.grabber.keep();
      this.handlers.onStep(step);
      if (step.result) {
        const jpegBase64 = await this.grabber.encodeKept(step.result.bestFace.box);
        this.stop();
        this.handlers.onCaptured({ step, jpegBase64 });
        return;
      }
      if (step.phase === 'timed-out') {
        this.stop();
        this.handlers.onTimedOut(step);
        return;
      }
    }
  }
}
