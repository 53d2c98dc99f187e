import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ContractClient, Language, PublicSettings, ReaderStatus } from '../../contract';
import { errorCanRetry, initialState, timeoutFor, transition, type FlowEvent, type FlowOptions, type FlowState } from './flow/machine';
import { spokenText } from './flow/spoken';
import { translate, type StringKey } from './i18n/strings';
import { PromptSpeaker } from './capture/speech';
import { AttractScreen } from './screens/AttractScreen';
import { CardReadScreen } from './screens/CardReadScreen';
import { ConsentScreen } from './screens/ConsentScreen';
import { CaptureScreen } from './screens/CaptureScreen';
import { ManualCheckScreen } from './screens/ManualCheckScreen';
import { VerifyingScreen } from './screens/VerifyingScreen';
import { ResultScreen } from './screens/ResultScreen';
import { ErrorScreen } from './screens/ErrorScreen';
import { OutOfServiceScreen } from './screens/OutOfServiceScreen';
import { PinPad, type PinOutcome } from './screens/PinPad';
import { useHiddenGesture } from './flow/hidden-gesture';

type Reducer = (state: FlowState, event: FlowEvent) => FlowState;

export function App({ client }: { client: ContractClient }) {
  const [settings, setSettings] = useState<PublicSettings | null>(null);
  const options = useRef<FlowOptions>({ maxAttempts: 3 });
  const reducer = useMemo<Reducer>(() => (state, event) => transition(state, event, options.current), []);
  const [state, dispatch] = useReducer(reducer, initialState);
  const [language, setLanguage] = useState<Language>('zh-CN');
  const [reader, setReader] = useState<ReaderStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // What the person ticked on this card's consent screen; forgotten when the flow returns to attract.
  const [enrollConsent, setEnrollConsent] = useState(false);
  const [pinOpen, setPinOpen] = useState(false);
  const speaker = useMemo(() => new PromptSpeaker(), []);

  useEffect(() => {
    client.invoke('settings.public', {}).then((s) => {
      options.current = { maxAttempts: s.flow.maxAttempts };
      setSettings(s);
      setLanguage(s.language);
    }, (error: Error) => setLoadError(error.message));
    client.invoke('reader.status', {}).then(setReader, () => undefined);
    const offs = [
      client.on('reader.status', setReader),
      client.on('reader.card', (card) => dispatch({ type: 'CARD_READ', card })),
      client.on('reader.cardRemoved', ({ cardId }) => dispatch({ type: 'CARD_REMOVED', cardId })),
      client.on('reader.error', (error) => dispatch({ type: 'READER_ERROR', error })),
      client.on('verify.progress', ({ verificationId, stage }) => dispatch({ type: 'VERIFY_PROGRESS', verificationId, stage })),
      client.on('verify.result', (result) => dispatch({ type: 'VERIFY_RESULT', result })),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);

  // Every state but attract has a timer (flow/machine.ts timeoutFor): the kiosk is never stuck on a screen.
  useEffect(() => {
    if (!settings) return;
    const ms = timeoutFor(state, {
      cardReadMs: settings.flow.cardReadMs,
      consentTimeoutMs: settings.consentTimeoutMs,
      resultDisplayMs: settings.resultDisplayMs,
      captureTimeoutMs: settings.capture.captureTimeoutMs,
      verifyTimeoutMs: settings.flow.verifyTimeoutMs,
    });
    if (ms === null) return;
    const timer = setTimeout(() => dispatch({ type: 'TIMEOUT' }), ms);
    return () => clearTimeout(timer);
  }, [state, settings]);

  // Leaving the flow forgets the card (and any demo card) in main too, and picks up settings the
  // operator changed meanwhile (attempts, timeouts, language, privacy notice) for the next person.
  useEffect(() => {
    if (state.name !== 'attract') return;
    setEnrollConsent(false);
    void client.invoke('session.reset', {}).catch(() => undefined);
    client.invoke('settings.public', {}).then((s) => {
      options.current = { maxAttempts: s.flow.maxAttempts };
      setSettings((previous) => {
        if (previous && previous.language !== s.language) setLanguage(s.language);
        return s;
      });
    }, () => undefined);
  }, [state.name, client]);

  // A card that cannot be compared is checked by staff; main records that a manual check was asked for.
  const manualCardId = state.name === 'manualCheck' ? state.card.cardId : null;
  useEffect(() => {
    if (manualCardId) void client.invoke('session.manualCheck', { cardId: manualCardId }).catch(() => undefined);
  }, [manualCardId, client]);

  const t = useCallback((key: StringKey, vars?: Record<string, string | number>) => translate(language, key, vars), [language]);
  const send = useCallback((event: FlowEvent) => dispatch(event), []);

  // Spoken prompts for every screen but capture (which speaks its own guidance).
  const voice = settings?.flow.voice ?? false;
  const spoken = settings ? spokenText(state, t) : null;
  useEffect(() => {
    if (voice && spoken) speaker.say(spoken, language);
  }, [voice, spoken, language, speaker]);

  const openPin = useCallback(() => setPinOpen(true), []);
  const openOperator = useHiddenGesture(openPin);
  const unlock = useCallback(async (pin: string): Promise<PinOutcome> => {
    try {
      const result = await client.invoke('operator.unlock', { pin });
      if (!result.ok) return { ok: false, locked: result.locked };
      setPinOpen(false);
      if (result.url) window.open(result.url, 'renzheng-operator');
      return { ok: true };
    } catch {
      return { ok: false, locked: false };
    }
  }, [client]);

  if (loadError) return <ErrorScreen t={t} language={language} error={{ code: 'unavailable', message: loadError }} onDone={() => location.reload()} />;
  if (!settings) return <main className="screen" data-screen="loading" />;
  if (settings.outOfService) return <OutOfServiceScreen t={t} reason={settings.outOfService} />;

  const maxAttempts = settings.flow.maxAttempts;
  return (
    <div className="kiosk" data-state={state.name} lang={language}>
      <header className="topbar">
        {/* Five taps on the title within three seconds (or Ctrl+Alt+O) asks for the staff PIN. */}
        <span className="brand" data-testid="brand" onClick={openOperator.onTap}>{t('appTitle')}</span>
        <button className="link" data-testid="language-switch" onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}>{t('languageSwitch')}</button>
      </header>
      {state.name === 'attract' && (
        <AttractScreen
          t={t} reader={reader}
          onSimulate={() => void client.invoke('reader.simulate', { action: 'present' })}
          onUseMyFace={() => send({ type: 'DEMO_PHOTO' })}
        />
      )}
      {state.name === 'demoPhoto' && (
        <CaptureScreen t={t} client={client} card={null} settings={settings.capture} language={language} send={send} purpose="demo-photo" voice={voice} />
      )}
      {state.name === 'cardRead' && <CardReadScreen t={t} card={state.card} onContinue={() => send({ type: 'CONTINUE' })} />}
      {state.name === 'manualCheck' && <ManualCheckScreen t={t} card={state.card} onDone={() => send({ type: 'CONTINUE' })} />}
      {state.name === 'consent' && (
        <ConsentScreen
          t={t} privacy={settings.privacy} offerEnrollment={settings.flow.offerEnrollment}
          onAccept={(enroll) => { setEnrollConsent(enroll); send({ type: 'CONSENT_ACCEPTED' }); }} onDecline={() => send({ type: 'CONSENT_DECLINED' })}
        />
      )}
      {state.name === 'capture' && (
        <CaptureScreen key={state.attempt} t={t} client={client} card={state.card} settings={settings.capture} language={language} send={send} voice={voice} enrollConsent={enrollConsent} />
      )}
      {state.name === 'verifying' && <VerifyingScreen t={t} stage={state.stage} />}
      {state.name === 'result' && (
        <ResultScreen
          t={t} card={state.card} result={state.result} face={state.face} attempt={state.attempt} maxAttempts={maxAttempts}
          canRetry={state.canRetry} configuredProvider={settings.flow.provider} onRetry={() => send({ type: 'RETRY' })} onDone={() => send({ type: 'CONTINUE' })}
        />
      )}
      {state.name === 'error' && (
        <ErrorScreen
          t={t} language={language} error={state.error} canRetry={errorCanRetry(state, { maxAttempts })}
          onRetry={() => send({ type: 'RETRY' })} onDone={() => send({ type: 'CONTINUE' })}
        />
      )}
      {pinOpen && <PinPad t={t} onSubmit={unlock} onCancel={() => setPinOpen(false)} />}
    </div>
  );
}
