import { useEffect, useRef, useState } from 'react';
import type { CaptureSettings } from '../../../contract';
import { CameraController, type CameraError, type CameraStatus } from './camera';

export interface CaptureViewProps {
  settings: CaptureSettings;
  /** The video element once real frames flow, null while the camera starts or recovers. */
  onLive(video: HTMLVideoElement | null): void;
  onStatus?(status: CameraStatus): void;
  onCameraError(error: CameraError): void;
  children?: React.ReactNode;
}

/** Live, mirrored camera preview; the face pipeline attaches to the video element once real frames flow. */
export function CaptureView({ settings, onLive, onStatus, onCameraError, children }: CaptureViewProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<CameraStatus>({ phase: 'starting', width: 0, height: 0, fellBack: false, error: null });
  const callbacks = useRef({ onLive, onStatus, onCameraError });
  callbacks.current = { onLive, onStatus, onCameraError };

  useEffect(() => {
    const video = videoRef.current!;
    const controller = new CameraController(
      navigator.mediaDevices,
      video,
      { deviceId: settings.cameraDeviceId, width: settings.width, height: settings.height },
      (next) => {
        setStatus(next);
        callbacks.current.onStatus?.(next);
        callbacks.current.onLive(next.phase === 'live' ? video : null);
        if (next.phase === 'error' && next.error) callbacks.current.onCameraError(next.error);
      },
    );
    controller.start();
    return () => controller.dispose();
  }, [settings.cameraDeviceId, settings.width, settings.height]);

  return (
    <div className="capture-view" data-camera={status.phase} data-camera-size={status.width ? `${status.width}x${status.height}` : undefined}>
      <video ref={videoRef} className="capture-video" data-testid="camera-preview" muted playsInline />
      {children}
    </div>
  );
}
