import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Language } from '../../contract';
import { CaptureSession, type CaptureStep } from '../../capture/session';
import type { CameraError } from '../src/capture/camera';
import { CaptureLoop, type CapturedFrame } from '../src/capture/capture-loop';
import { CaptureOverlay } from '../src/capture/CaptureOverlay';
import { CaptureView } from '../src/capture/CaptureView';
import { loadLiveDetector, type LiveDetector } from '../src/capture/live-detector';
import { LIVENESS_NOTE, promptText } from '../src/capture/prompts';
import { H5ApiError, startSession, submitCapture, type StartAnswer, type SubmitAnswer } from './api';
import { initialLanguage, problemKey, translate, type StringKey } from './strings';

/** Human's models and wasm come from this service, under the page's static folder (never a CDN). */
const ASSETS_BASE = new URL('/h5/static/', location.origin).href;

type Screen =
  | { name: 'intro' }
  | { name: 'declined' }
  | { name: 'starting' }
  | { name: 'capture'; session: StartAnswer }
  | { name: 'uploading' }
  | { name: 'result'; answer: SubmitAnswer }
  | { name: 'problem'; code: string; message: string };

const FAIL_TEXT: Record<NonNullable<SubmitAnswer['reason']>, StringKey> = {
  'face-mismatch': 'failFaceMismatch',
  'liveness-failed': 'failLiveness',
  'no-face': 'failNoFace',
  'no-reference': 'review',
};

export function H5App({ token }: { token: string }) {
  const [language, setLanguage] = useState<Language>(() => initialLanguage(navigator.languages));
  const [screen, setScreen] = useState<Screen>({ name: 'intro' });
  const t = useCallback((key: StringKey) => translate(language, key), [language]);
  const [engine, setEngine] = useState<LiveDetector | null>(null);
  const [engineError, setEngineError] = useState<string | null>(null);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  // The face models load while the person reads: only files of this service, nothing personal.
  useEffect(() => {
    loadLiveDetector('auto', ASSETS_BASE).then(setEngine, (error: Error) => setEngineError(error.message));
  }, []);

  const problem = (error: unknown) =>
    setScreen({ name: 'problem', code: error instanceof H5ApiError ? error.code : 'error', message: error instanceof Error ? error.message : String(error) });

  const agree = async () => {
    setScreen({ name: 'starting' });
    try {
      setScreen({ name: 'capture', session: await startSession(token) });
    } catch (error) {
      problem(error);
    }
  };

  const upload = useCallback(
    async (session: StartAnswer, captured: CapturedFrame) => {
      if (!captured.step.result) return;
      setScreen({ name: 'uploading' });
      try {
        setScreen({ name: 'result', answer: await submitCapture(token, session.challenge.challengeId, captured.jpegBase64, captured.step.result.liveness) });
      } catch (error) {
        problem(error);
      }
    },
    [token],
  );

  return (
    <main className="h5" data-h5-screen={screen.name} data-verdict={screen.name === 'result' ? screen.answer.verdict : undefined} data-problem={screen.name === 'problem' ? screen.code : undefined}>
      <button type="button" className="lang" data-testid="h5-language" onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}>
        {t('switchLanguage')}
      </button>
      <h1>{t('title')}</h1>
      {screen.name === 'intro' && (
        <>
          <p>{t('intro')}</p>
          <section className="card">
            <h2>{t('collectTitle')}</h2>
            <ul>
              <li>{t('collectFace')}</li>
              <li>{t('collectLiveness')}</li>
            </ul>
            <h2>{t('whyTitle')}</h2>
            <p>{t('why')}</p>
          </section>
          <button type="button" className="primary" data-testid="h5-consent" onClick={() => void agree()}>
            {t('consent')}
          </button>
          <button type="button" className="secondary" data-testid="h5-decline" onClick={() => setScreen({ name: 'declined' })}>
            {t('decline')}
          </button>
        </>
      )}
      {screen.name === 'declined' && <p>{t('declined')}</p>}
      {screen.name === 'starting' && <p>{t('starting')}</p>}
      {screen.name === 'capture' && (
        <H5Capture
          session={screen.session} language={language} engine={engine} engineError={engineError}
          onCaptured={(captured) => void upload(screen.session, captured)}
          onFailed={(code, message) => setScreen({ name: 'problem', code, message })}
        />
      )}
      {screen.name === 'uploading' && <p>{t('uploading')}</p>}
      {screen.name === 'result' && (
        <section className="card">
          {screen.answer.verdict === 'pass' && (
            <>
              <h2 className="verdict-pass">{t('pass')}</h2>
              <p>{t('passDetail')}</p>
            </>
          )}
          {screen.answer.verdict === 'fail' && (
            <>
              <h2 className="verdict-fail">{t('fail')}</h2>
              <p>{t(FAIL_TEXT[screen.answer.reason ?? 'face-mismatch'])}</p>
            </>
          )}
          {screen.answer.verdict === 'review' && <h2>{t('review')}</h2>}
        </section>
      )}
      {screen.name === 'problem' && (
        <section className="card">
          <h2 className="verdict-fail">{t('error')}</h2>
          <p>{t(problemKey(screen.code))}</p>
          <p className="capture-note">{screen.message}</p>
          <p>{t('retryHint')}</p>
        </section>
      )}
    </main>
  );
}

interface H5CaptureProps {
  session: StartAnswer;
  language: Language;
  engine: LiveDetector | null;
  engineError: string | null;
  onCaptured(captured: CapturedFrame): void;
  onFailed(code: string, message: string): void;
}

/** The kiosk's capture loop with the service's challenge and policy; only the best frame and the scores leave it. */
function H5Capture({ session, language, engine, engineError, onCaptured, onFailed }: H5CaptureProps) {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [step, setStep] = useState<CaptureStep | null>(null);
  const opened = useMemo(() => performance.now(), []);
  const capture = useMemo(() => new CaptureSession(session.capture, session.challenge.challenge, opened), [session, opened]);
  const handlers = useRef({ onCaptured, onFailed });
  handlers.current = { onCaptured, onFailed };
  const screenRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (engineError) handlers.current.onFailed('face-engine-unavailable', engineError);
  }, [engineError]);

  useEffect(() => {
    if (!video || !engine) return;
    const loop = new CaptureLoop(video, engine, capture, {
      onStep: (next) => {
        if (next.face) screenRef.current?.setAttribute('data-face-seen', '1');
        setStep((previous) => (previous && previous.prompt === next.prompt && previous.phase === next.phase && Math.abs(previous.progress - next.progress) < 0.02 && previous.face === next.face ? previous : next));
      },
      onCaptured: (captured) => handlers.current.onCaptured(captured),
      onTimedOut: (last) => handlers.current.onFailed('capture-timeout', promptText(language, last.prompt)),
      onError: (error) => handlers.current.onFailed('face-detection-failed', error.message),
    });
    loop.start();
    return () => loop.stop();
  }, [video, engine, capture, language]);

  const onLive = useCallback((live: HTMLVideoElement | null) => {
    if (live) setVideo(live);
  }, []);
  const onCameraError = useCallback((error: CameraError) => handlers.current.onFailed(`camera-${error.code}`, error.message), []);

  return (
    <div ref={screenRef} data-testid="h5-capture" data-capture-phase={step?.phase ?? 'loading'} data-challenge={session.challenge.challenge ?? 'none'}>
      <CaptureView settings={session.capture} onLive={onLive} onCameraError={onCameraError}>
        <CaptureOverlay
          width={video?.videoWidth ?? 0} height={video?.videoHeight ?? 0} phase={step?.phase ?? 'gate'} ok={Boolean(step && step.issues.length === 0 && step.face)}
          progress={step?.progress ?? 0} arrow={step?.arrow ?? null} face={step?.face?.box ?? null}
        />
      </CaptureView>
      <p className="capture-prompt" aria-live="polite">{promptText(language, engine ? (step?.prompt ?? 'no-face') : 'loading')}</p>
      <p className="capture-note">{LIVENESS_NOTE[language]}</p>
    </div>
  );
}
