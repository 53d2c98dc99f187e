import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ActiveChallenge, CaptureSettings, CardPublic, ContractClient, FaceBackend, Language } from '../../../contract';
import type { Arrow, PromptKey } from '../../../capture/guidance';
import { CaptureSession, type CapturePhase, type CaptureStep } from '../../../capture/session';
import type { Box } from '../../../capture/types';
import type { CameraError, CameraStatus } from '../capture/camera';
import { CaptureLoop, type CapturedFrame } from '../capture/capture-loop';
import { CaptureOverlay } from '../capture/CaptureOverlay';
import { CaptureView } from '../capture/CaptureView';
import { loadLiveDetector, type LiveDetector } from '../capture/live-detector';
import { LIVENESS_NOTE, promptText } from '../capture/prompts';
import { PromptSpeaker } from '../capture/speech';
import '../capture/capture.css';
import type { FlowEvent } from '../flow/machine';
import type { Translate } from './types';

export interface CaptureScreenProps {
  t: Translate;
  client: ContractClient;
  /** The card being verified; null while taking a demo card's photo. */
  card: CardPublic | null;
  settings: CaptureSettings;
  language: Language;
  send(event: FlowEvent): void;
  /**
   * verify: the frame and its liveness record go to verify.submit. demo-photo: the frame becomes
   * the photo of a demo card (passive gate only, nothing verified); main then presents that card.
   */
  purpose?: 'verify' | 'demo-photo';
  voice?: boolean;
  /** The person agreed on the consent screen to keep the card photo as a reference (sent with the verification). */
  enrollConsent?: boolean;
}

interface CaptureViewState {
  phase: CapturePhase | 'loading';
  prompt: PromptKey;
  ok: boolean;
  arrow: Arrow | null;
  progress: number;
  face: Box | null;
  frame: { width: number; height: number };
}

const initialView: CaptureViewState = { phase: 'loading', prompt: 'loading', ok: false, arrow: null, progress: 0, face: null, frame: { width: 0, height: 0 } };

/** Boxes within this many frame pixels look the same on screen. */
const BOX_JITTER_PX = 3;

function looksSame(a: CaptureViewState, b: CaptureViewState): boolean {
  const boxesClose = a.face === b.face || (a.face !== null && b.face !== null
    && Math.abs(a.face.x - b.face.x) < BOX_JITTER_PX && Math.abs(a.face.y - b.face.y) < BOX_JITTER_PX
    && Math.abs(a.face.width - b.face.width) < BOX_JITTER_PX);
  return a.phase === b.phase && a.prompt === b.prompt && a.ok === b.ok && a.arrow === b.arrow && boxesClose
    && Math.abs(a.progress - b.progress) < 0.01 && a.frame.width === b.frame.width && a.frame.height === b.frame.height;
}

/** system.info reports the renderer's backend; once per page is enough, the engine is shared. */
let reportedBackend: FaceBackend | null = null;

/** Taking a demo card photo checks only that one steady face is there: no challenge, no liveness thresholds. */
function demoPhotoSettings(settings: CaptureSettings): CaptureSettings {
  return { ...settings, activeChallenges: [], antispoofMin: 0, livenessMin: 0 };
}

/** What the capture performs: main's challenge for a verification; none for a demo card's photo. */
type Issued = { challengeId: string | null; challenge: ActiveChallenge | null };

export function CaptureScreen({ t, client, card, settings: configured, language, send, purpose = 'verify', voice = true, enrollConsent = false }: CaptureScreenProps) {
  const settings = useMemo(() => (purpose === 'demo-photo' ? demoPhotoSettings(configured) : configured), [purpose, configured]);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [engine, setEngine] = useState<LiveDetector | null>(null);
  const [camera, setCamera] = useState<CameraStatus | null>(null);
  const [view, setView] = useState<CaptureViewState>(initialView);
  const [fps, setFps] = useState(0);
  const speaker = useMemo(() => new PromptSpeaker(), []);
  // Main draws the challenge (the page only performs it) and will accept one answer to it, in time.
  const [issued, setIssued] = useState<Issued | null>(purpose === 'demo-photo' ? { challengeId: null, challenge: null } : null);
  const opened = useMemo(() => performance.now(), []);
  // One session per screen: the challenge is main's, kept across restarts; the clock starts when the screen opens.
  const session = useMemo(() => (issued ? new CaptureSession(settings, issued.challenge, opened) : null), [settings, issued, opened]);
  const finished = useRef(false);
  // What the person was last told before a timeout: the timeout error repeats it (e.g. "stand in front of the camera").
  const lastGuidance = useRef<PromptKey>('loading');
  const screenRef = useRef<HTMLElement>(null);

  const fail = useCallback((code: string, message: string) => {
    if (finished.current) return;
    finished.current = true;
    send({ type: 'CAPTURE_FAILED', error: { code, message } });
  }, [send]);

  useEffect(() => {
    let cancelled = false;
    if (purpose !== 'verify' || !card) return;
    client.invoke('verify.challenge', { cardId: card.cardId }).then(
      (challenge) => {
        if (!cancelled) setIssued(challenge);
      },
      (error: Error) => {
        if (!cancelled) fail('challenge-failed', error.message);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, card, purpose, fail]);

  useEffect(() => {
    let cancelled = false;
    loadLiveDetector(settings.preferredBackend).then(
      (loaded) => {
        if (cancelled) return;
        setEngine(loaded);
        if (reportedBackend !== loaded.backend) {
          reportedBackend = loaded.backend;
          void client.invoke('renderer.report', { faceBackend: loaded.backend }).catch(() => {
            reportedBackend = null;
          });
        }
      },
      (error: Error) => {
        if (!cancelled) fail('face-engine-unavailable', error.message);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [settings.preferredBackend, client, fail]);

  const submit = useCallback(async ({ step, jpegBase64 }: CapturedFrame) => {
    if (finished.current || !step.result || !issued) return;
    finished.current = true;
    if (purpose === 'demo-photo') {
      // Main answers by presenting the demo card (reader.card), which moves the flow on.
      await client.invoke('demo.faceCard', { image: { mime: 'image/jpeg', base64: jpegBase64 } }).catch((error: Error) => {
        send({ type: 'CAPTURE_FAILED', error: { code: 'demo-photo-failed', message: error.message } });
      });
      return;
    }
    // The flow leaves capture now: main may answer before the reply carrying our id (kept as early).
    send({ type: 'CAPTURE_SENT', face: jpegBase64 });
    try {
      const { verificationId } = await client.invoke('verify.submit', {
        cardId: card?.cardId ?? '',
        challengeId: issued.challengeId ?? '',
        image: { mime: 'image/jpeg', base64: jpegBase64 },
        liveness: step.result.liveness,
        ...(enrollConsent ? { enrollConsent: true } : {}),
      });
      send({ type: 'CAPTURE_SUBMITTED', verificationId });
    } catch (error) {
      send({ type: 'CAPTURE_FAILED', error: { code: 'submit-failed', message: (error as Error).message } });
    }
  }, [client, card?.cardId, issued, send, purpose, enrollConsent]);

  const handlers = useRef({ submit, fail, language });
  handlers.current = { submit, fail, language };

  useEffect(() => {
    if (!video || !engine || !session) return;
    const loop = new CaptureLoop(video, engine, session, {
      onStep: (step: CaptureStep) => {
        if (step.prompt !== 'timed-out' && step.prompt !== 'done') lastGuidance.current = step.prompt;
        const next: CaptureViewState = {
          phase: step.phase,
          prompt: step.prompt,
          ok: step.issues.length === 0 && step.face !== null,
          arrow: step.arrow,
          progress: step.progress,
          face: step.face?.box ?? null,
          frame: { width: video.videoWidth, height: video.videoHeight },
        };
        // The detection count changes every frame but is not shown: written straight to the DOM, no render.
        screenRef.current?.setAttribute('data-loop-frames', String(loop.frames));
        // Re-render only for a visible change: every skipped render is time the detector gets back.
        setView((previous) => (looksSame(previous, next) ? previous : next));
        if (loop.frames % 10 === 0) setFps(loop.meter.fps);
      },
      onCaptured: (captured) => void handlers.current.submit(captured),
      onTimedOut: () => handlers.current.fail('capture-timeout', promptText(handlers.current.language, lastGuidance.current)),
      onError: (error) => handlers.current.fail('face-detection-failed', error.message),
    });
    loop.start();
    return () => loop.stop();
    // One loop per session: it outlives camera recoveries (same video element, new stream) and
    // language switches (handlers are read through a ref), so the kept best frame is never lost.
  }, [video, engine, session]);

  useEffect(() => {
    if (voice) speaker.say(promptText(language, view.prompt), language);
  }, [view.prompt, language, speaker, voice]);
  useEffect(() => () => speaker.stop(), [speaker]);

  const onLive = useCallback((live: HTMLVideoElement | null) => {
    if (live) setVideo(live);
  }, []);
  const onCameraError = useCallback((error: CameraError) => fail(`camera-${error.code}`, error.message), [fail]);

  const cameraProblem = camera?.phase === 'recovering' || camera?.phase === 'error';
  const severity = view.ok || view.phase === 'complete' ? 'ok' : view.phase === 'loading' ? 'info' : 'warn';
  return (
    <main
      ref={screenRef} className="screen capture" data-screen={purpose === 'demo-photo' ? 'demoPhoto' : 'capture'} data-testid="capture-screen"
      data-capture-phase={view.phase} data-prompt={view.prompt} data-challenge={session ? (session.challenge ?? 'none') : ''}
      data-backend={engine?.backend ?? ''} data-loop-fps={fps.toFixed(1)}
    >
      <h1>{purpose === 'demo-photo' ? t('demoTakingPhoto') : t('captureTitle')}</h1>
      <CaptureView settings={settings} onLive={onLive} onStatus={setCamera} onCameraError={onCameraError}>
        <CaptureOverlay
          width={view.frame.width} height={view.frame.height} phase={view.phase} ok={view.ok}
          progress={view.progress} arrow={view.arrow} face={view.face}
        />
      </CaptureView>
      <p className="capture-prompt" data-testid="capture-prompt" data-severity={severity} aria-live="polite">
        {cameraProblem ? t('cameraUnavailable') : camera?.phase === 'starting' ? t('cameraStarting') : promptText(language, view.prompt)}
      </p>
      <p className="capture-note">{LIVENESS_NOTE[language]}</p>
    </main>
  );
}
