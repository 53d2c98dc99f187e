import { meanLuma } from '../../../imaging/metrics';

export type CameraErrorCode = 'not-found' | 'busy' | 'denied' | 'ended' | 'failed';

export class CameraError extends Error {
  constructor(readonly code: CameraErrorCode, message: string) {
    super(message);
    this.name = 'CameraError';
  }
}

export interface CameraRequest {
  deviceId: string | null;
  width: number;
  height: number;
}

/** Maps getUserMedia's DOMException names to what an operator can act on. */
export function cameraErrorFrom(error: unknown): CameraError {
  if (error instanceof CameraError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  switch (name) {
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new CameraError('not-found', 'No camera matches the configured device; check the cable or the camera setting.');
    case 'NotReadableError':
    case 'AbortError':
      return new CameraError('busy', 'The camera is in use by another program or failed to start; close it or replug the camera.');
    case 'NotAllowedError':
    case 'SecurityError':
      return new CameraError('denied', 'Camera permission was refused; the kiosk needs camera access.');
    default:
      return new CameraError('failed', `The camera could not start (${name || String(error)}).`);
  }
}

function constraints(request: CameraRequest, deviceId: string | null): MediaStreamConstraints {
  // ideal, not exact: the browser negotiates the nearest mode the camera has instead of failing.
  const video: MediaTrackConstraints = {
    width: { ideal: request.width },
    height: { ideal: request.height },
    frameRate: { ideal: 30 },
    ...(deviceId ? { deviceId: { exact: deviceId } } : { facingMode: 'user' }),
  };
  return { video, audio: false };
}

/**
 * Opens the configured camera; when that device is gone (replaced, renumbered) the kiosk falls
 * back to the default camera rather than stay dark, and says so through `fellBack`.
 */
export async function openCamera(media: MediaDevices, request: CameraRequest): Promise<{ stream: MediaStream; fellBack: boolean }> {
  try {
    return { stream: await media.getUserMedia(constraints(request, request.deviceId)), fellBack: false };
  } catch (error) {
    const mapped = cameraErrorFrom(error);
    if (mapped.code !== 'not-found' || !request.deviceId) throw mapped;
  }
  try {
    return { stream: await media.getUserMedia(constraints(request, null)), fellBack: true };
  } catch (error) {
    throw cameraErrorFrom(error);
  }
}

export const BLACK_FRAME_LUMA = 8;

/**
 * Resolves once the video shows a real (non-black) frame, sampling a small copy each animation
 * frame; rejects with CameraError('failed') after timeoutMs so a dead camera is reported, not awaited forever.
 */
export function waitForRealFrames(video: HTMLVideoElement, timeoutMs = 8000): Promise<void> {
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 18;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (ctx && video.readyState >= 2 && video.videoWidth > 0) {
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        if (meanLuma(ctx.getImageData(0, 0, canvas.width, canvas.height).data) > BLACK_FRAME_LUMA) return resolve();
      }
      if (performance.now() - started > timeoutMs) {
        return reject(new CameraError('failed', 'The camera delivers only black frames; check the lens cover and the lighting.'));
      }
      requestAnimationFrame(check);
    };
    check();
  });
}

export type CameraPhase = 'starting' | 'live' | 'recovering' | 'error';

export interface CameraStatus {
  phase: CameraPhase;
  /** Negotiated resolution once live. */
  width: number;
  height: number;
  fellBack: boolean;
  error: CameraError | null;
}

/** How long a lost or busy camera may take to come back before the capture gives up. */
export const CAMERA_RECOVERY_MS = 15_000;
const RETRY_DELAY_MS = 1000;

/**
 * Keeps a camera running on a video element: opens it, waits for real frames, and when it
 * disappears or is busy retries (on a timer and whenever devices change) for CAMERA_RECOVERY_MS.
 * A refused permission is final: retrying cannot fix it.
 */
export class CameraController {
  private stream: MediaStream | null = null;
  private disposed = false;
  private failingSince: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly onDeviceChange = () => {
    if (this.failingSince !== null) this.retryNow();
  };

  constructor(
    private readonly media: MediaDevices,
    private readonly video: HTMLVideoElement,
    private readonly request: CameraRequest,
    private readonly onStatus: (status: CameraStatus) => void,
    /** Injected in tests; the kiosk waits for non-black frames. */
    private readonly waitForFrames: (video: HTMLVideoElement) => Promise<void> = waitForRealFrames,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.media.addEventListener?.('devicechange', this.onDeviceChange);
    void this.open();
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.media.removeEventListener?.('devicechange', this.onDeviceChange);
    this.release();
  }

  private release(): void {
    this.stream?.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.video.srcObject = null;
  }

  private async open(): Promise<void> {
    this.onStatus({ phase: this.failingSince === null ? 'starting' : 'recovering', width: 0, height: 0, fellBack: false, error: null });
    try {
      const { stream, fellBack } = await openCamera(this.media, this.request);
      if (this.disposed) {
        stream.getTracks().forEach((track) => track.stop());
        return;
      }
      this.stream = stream;
      this.video.srcObject = stream;
      await this.video.play();
      await this.waitForFrames(this.video);
      if (this.disposed) return;
      this.failingSince = null;
      const track = stream.getVideoTracks()[0];
      track?.addEventListener('ended', () => this.fail(new CameraError('ended', 'The camera was disconnected.')));
      const settings = track?.getSettings() ?? {};
      this.onStatus({ phase: 'live', width: settings.width ?? this.video.videoWidth, height: settings.height ?? this.video.videoHeight, fellBack, error: null });
    } catch (error) {
      if (!this.disposed) this.fail(cameraErrorFrom(error));
    }
  }

  private fail(error: CameraError): void {
    if (this.disposed) return;
    this.release();
    const now = this.now();
    this.failingSince ??= now;
    if (error.code === 'denied' || now - this.failingSince > CAMERA_RECOVERY_MS) {
      this.onStatus({ phase: 'error', width: 0, height: 0, fellBack: false, error });
      return;
    }
    this.onStatus({ phase: 'recovering', width: 0, height: 0, fellBack: false, error });
    this.retryTimer = setTimeout(() => this.retryNow(), RETRY_DELAY_MS);
  }

  private retryNow(): void {
    if (this.disposed) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.open();
  }
}
